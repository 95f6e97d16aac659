/**
 * Fault injection on the loopback endpoint: specs are checked (unknown service or operation, bad
 * numbers → HTTP 400 naming the field, nothing armed), latency faults delay a call on the engine's
 * clock, lost answers take effect and still fail (REST, query/JSON and proxied routes), and
 * JSON-protocol routes answer only POST (405 with Allow otherwise).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { GetAliasCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { createFunctionWithVersions } from '../../shared/aws/sample-app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../infra/local/clock.ts';
import { FaultInjector } from '../../infra/local/endpoint/faults.ts';
import { jsonService } from '../../infra/local/endpoint/services.ts';
import { ROLE, startTestEndpoint, taggedHandler, type TestEndpoint } from './endpoint-helpers.ts';

let t: TestEndpoint;
const clock = new SimulatedClock({ start: Date.parse('2026-03-01T12:00:00Z'), virtual: true });
beforeAll(async () => {
  t = await startTestEndpoint({ clock });
});
afterAll(async () => {
  await t.close();
});

const postFault = (spec: unknown) =>
  fetch(`${t.endpoint.url}/__glidepath/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });

describe('fault spec validation', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['an unknown service', { service: 'lamda', operation: 'Invoke' }, /^fault\.service: no service named "lamda"/],
    ['an unknown operation', { service: 'cloudwatch', operation: 'DescribeAlarm' }, /^fault\.operation: cloudwatch has no operation "DescribeAlarm"/],
    ['a count of zero', { service: 'lambda', operation: 'Invoke', count: 0 }, /^fault\.count: must be an integer of at least 1, got 0/],
    ['a count that is not a number', { service: 'lambda', operation: 'Invoke', count: 'two' }, /^fault\.count:/],
    ['a probability above 1', { service: 'lambda', operation: 'Invoke', probability: 1.5 }, /^fault\.probability:/],
    ['a negative latency', { service: 'lambda', operation: 'Invoke', latencyMs: -5 }, /^fault\.latencyMs:/],
    ['a latency that is text', { service: 'lambda', operation: 'Invoke', latencyMs: '50' }, /^fault\.latencyMs:/],
    ['a status that is no error', { service: 'lambda', operation: 'Invoke', error: 'Boom', status: 200 }, /^fault\.status:/],
    ['an unknown field', { service: 'lambda', operation: 'Invoke', delay: 5 }, /^fault\.delay: unknown field/],
    ['a lostAnswer that is text', { service: 'lambda', operation: 'UpdateAlias', lostAnswer: 'yes' }, /^fault\.lostAnswer: must be true or false, got "yes"/],
  ];
  it.each(cases)('refuses %s with 400 naming the field, arming nothing', async (_name, spec, message) => {
    const response = await postFault(spec);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(message);
    expect(t.endpoint.faults.list()).toEqual([]);
  });

  it('accepts a known operation, "*", and a service of the engine not yet started (sfn)', async () => {
    expect((await postFault({ service: 'lambda', operation: 'GetFunction' })).status).toBe(201);
    expect((await postFault({ service: 'sfn', operation: 'StartExecution', latencyMs: 10, probability: 0.5 })).status).toBe(201);
    expect((await postFault({ service: 'cloudwatch', operation: '*' })).status).toBe(201);
    expect(t.endpoint.faults.list()).toHaveLength(3);
    t.endpoint.faults.clear();
  });

  it('answers 405 with Allow for another method on the faults route', async () => {
    const response = await fetch(`${t.endpoint.url}/__glidepath/faults`, { method: 'PUT', body: '{}' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST, DELETE');
  });
});

describe('latency faults', () => {
  it('delays the matching calls on the engine clock, then serves them', async () => {
    t.endpoint.faults.add({ service: 'cloudwatch', operation: 'DescribeAlarms', latencyMs: 30_000, count: 2 });
    const before = clock.now();
    const realStart = performance.now();
    const first = await t.cloudwatch.send(new DescribeAlarmsCommand({}));
    expect(first.$metadata.attempts).toBe(1);
    expect(clock.now() - before).toBeGreaterThanOrEqual(30_000);
    await t.cloudwatch.send(new DescribeAlarmsCommand({}));
    expect(clock.now() - before).toBeGreaterThanOrEqual(60_000);
    const third = clock.now();
    await t.cloudwatch.send(new DescribeAlarmsCommand({}));
    expect(clock.now() - third).toBeLessThan(30_000);
    // Virtual time: the waits cost no real time.
    expect(performance.now() - realStart).toBeLessThan(10_000);
    expect(t.endpoint.faults.list()).toEqual([]);
  });

  it('in virtual time, delays a call whose caller holds the clock (a handler waiting on its answer) without standing still', async () => {
    t.endpoint.faults.add({ service: 'cloudwatch', operation: 'DescribeAlarms', latencyMs: 8_000 });
    const before = clock.now();
    const answered = clock.holding(() => t.cloudwatch.send(new DescribeAlarmsCommand({})));
    const stuck = new Promise<'stuck'>((resolve) => setTimeout(resolve, 5_000, 'stuck').unref());
    expect(await Promise.race([answered.then(() => 'answered' as const), stuck])).toBe('answered');
    expect(clock.now() - before).toBeGreaterThanOrEqual(8_000);
  });

  it('delays and then fails a call that also names an error', async () => {
    t.endpoint.faults.add({ service: 'cloudwatch', operation: 'DescribeAlarms', latencyMs: 5_000, error: 'InternalServiceFault', status: 500, count: 3 });
    const before = clock.now();
    const error = await t.cloudwatch.send(new DescribeAlarmsCommand({})).catch((e: Error) => e);
    expect((error as Error).name).toBe('InternalServiceFault');
    expect(clock.now() - before).toBeGreaterThanOrEqual(5_000);
    t.endpoint.faults.clear();
  });

  it('affects a call only as often as its probability draws', () => {
    const draws = [0.9, 0.1, 0.7, 0.2];
    const faults = new FaultInjector(undefined, () => draws.shift()!);
    faults.add({ service: 'lambda', operation: 'Invoke', probability: 0.5, count: 5 });
    const probe = { path: '/', body: '' };
    const hits = [1, 2, 3, 4].map(() => faults.take('lambda', 'Invoke', probe) !== undefined);
    expect(hits).toEqual([false, true, false, true]);
    expect(faults.list()[0]!.remaining).toBe(3);
  });
});

describe('lost answers: the call takes effect, the client gets the error', () => {
  it('UpdateAlias (REST): the alias moves, the caller sees ServiceException; the next call is answered', async () => {
    await createFunctionWithVersions(t.lambda, { name: 'lost-answer', role: ROLE }, [taggedHandler('a'), taggedHandler('b')], 'live');
    // More than the SDK's attempts: every retry takes effect too, and is lost.
    t.endpoint.faults.add({ service: 'lambda', operation: 'UpdateAlias', lostAnswer: true, error: 'ServiceException', status: 500, count: 10, pathIncludes: 'lost-answer' });
    const update = new UpdateAliasCommand({ FunctionName: 'lost-answer', Name: 'live', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.25 } } });
    const error = await t.lambda.send(update).then(() => undefined, (e: Error) => e);
    expect(error?.name).toBe('ServiceException');
    t.endpoint.faults.clear();
    const alias = await t.lambda.send(new GetAliasCommand({ FunctionName: 'lost-answer', Name: 'live' }));
    expect(alias.RoutingConfig?.AdditionalVersionWeights).toEqual({ '2': 0.25 });
    const answered = await t.lambda.send(new UpdateAliasCommand({ FunctionName: 'lost-answer', Name: 'live', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: {} } }));
    expect(answered.FunctionVersion).toBe('2');
  });

  it('PutMetricAlarm (CloudWatch): the alarm exists although the caller was throttled', async () => {
    t.endpoint.faults.add({ service: 'cloudwatch', operation: 'PutMetricAlarm', lostAnswer: true, count: 10 });
    const put = new PutMetricAlarmCommand({
      AlarmName: 'lost-answer-alarm', Namespace: 'Test', MetricName: 'M', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold',
    });
    const error = await t.cloudwatch.send(put).then(() => undefined, (e: Error) => e);
    expect(error?.name).toMatch(/Throttl/);
    t.endpoint.faults.clear();
    const alarms = await t.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['lost-answer-alarm'] }));
    expect(alarms.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['lost-answer-alarm']);
  });

  it('a proxied JSON target (as DynamoDB to dynalite): the other server serves the call once, the caller gets the error', async () => {
    const served: string[] = [];
    const upstream = createServer((req, res) => {
      served.push(String(req.headers['x-amz-target']));
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', () => resolve()));
    const unregister = t.endpoint.proxyJsonTarget('Upstream_20200101', `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, { name: 'upstream' });
    try {
      t.endpoint.faults.add({ service: 'upstream', operation: 'PutItem', lostAnswer: true, error: 'InternalServerError', status: 500 });
      const call = () => fetch(t.endpoint.url, { method: 'POST', headers: { 'x-amz-target': 'Upstream_20200101.PutItem', 'content-type': 'application/x-amz-json-1.0' }, body: '{}' });
      const first = await call();
      expect(first.status).toBe(500);
      expect(((await first.json()) as { __type: string }).__type).toBe('InternalServerError');
      expect(served).toEqual(['Upstream_20200101.PutItem']);
      expect((await call()).status).toBe(200);
      expect(served).toHaveLength(2);
    } finally {
      unregister();
      await new Promise((resolve) => upstream.close(resolve));
    }
  });
});

describe('JSON-protocol routes take POST only', () => {
  it('answers GET on the CodeDeploy hook status route with 405 and Allow: POST, without serving it', async () => {
    const served: string[] = [];
    const unregister = t.endpoint.registerService(
      jsonService({ name: 'codedeploy', targetPrefix: 'CodeDeploy_20141006', jsonVersion: '1.1', handle: (operation) => (served.push(operation), {}) }),
    );
    try {
      const target = 'CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus';
      const get = await fetch(t.endpoint.url, { method: 'GET', headers: { 'x-amz-target': target } });
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      expect(((await get.json()) as { __type: string }).__type).toBe('MethodNotAllowedException');
      const post = await fetch(t.endpoint.url, { method: 'POST', headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
      expect(post.status).toBe(200);
      expect(served).toEqual(['PutLifecycleEventHookExecutionStatus']);
    } finally {
      unregister();
    }
  });
});
