/** The pure cores of the four hook templates and the frame they run in. */
import { describe, expect, it } from 'vitest';
import { parsePath, pathMismatch, readPath, subsetMismatch } from '../../../shared/core/hook-templates/assertions.ts';
import { fillPlaceholders, parseTemplateEvent, resolveTarget, type HookTarget } from '../../../shared/core/hook-templates/context.ts';
import { runTemplate } from '../../../shared/tasks/hook-templates/runner.ts';
import { judgeResponse, readSmokeConfig, smokeInvoke } from '../../../shared/tasks/hook-templates/smoke-invoke.ts';
import { httpProbe, readProbeConfig, statusExpected } from '../../../shared/tasks/hook-templates/http-probe.ts';
import { judgeReading, metricGate, metricQueries, readMetricGateConfig } from '../../../shared/tasks/hook-templates/metric-gate.ts';
import { readWarmUpConfig, warmUp } from '../../../shared/tasks/hook-templates/warm-up.ts';
import type { InvokeVersion, ProvisionedStatus } from '../../../shared/core/ports/hook-template.ts';

const target: HookTarget = { functionName: 'orders-api', version: '8', alias: 'live', currentVersion: '7', source: 'glidepath' };
const glidepathEvent = {
  DeploymentId: 'gp-1',
  LifecycleEventHookExecutionId: 'AAAAAAAAAAAAAAAAAAAAAA',
  Glidepath: { function: 'orders-api', alias: 'live', currentVersion: '7', targetVersion: '8', lifecycleEvent: 'AfterAllowTraffic', weight: 100 },
};
const codeDeployEvent = { DeploymentId: 'd-ABCDEF123', LifecycleEventHookExecutionId: 'eyJlbmNyeXB0ZWREYXRh' };

describe('assertions', () => {
  it('subsetMismatch: extra keys are fine, the first difference is named', () => {
    expect(subsetMismatch({ a: 1, b: { c: [1, 2], d: 'x' } }, { b: { c: [1, 2] } })).toBeUndefined();
    expect(subsetMismatch({ a: 1, b: { c: [1, 3] } }, { b: { c: [1, 2] } })).toBe('$.b.c[1]: expected 2, got 3');
    expect(subsetMismatch({ a: 1 }, { 'odd key': true })).toBe('$["odd key"]: expected true, got nothing');
    expect(subsetMismatch([1], [1, 2])).toBe('$: expected 2 items, got 1');
    expect(subsetMismatch('text', { a: 1 })).toBe('$: expected an object, got "text"');
  });
  it('paths: $.a.b[0] and ["key"], deep equality', () => {
    expect(parsePath('$.a.b[0]["x y"]')).toEqual(['a', 'b', 0, 'x y']);
    expect(() => parsePath('a.b')).toThrow('must start with $');
    expect(() => parsePath('$.a..b')).toThrow('cannot read from character 4');
    expect(readPath({ a: { b: [{ c: 5 }] } }, '$.a.b[0].c')).toBe(5);
    expect(pathMismatch({ statusCode: 200, body: { ok: true, n: 1 } }, { '$.statusCode': 200, '$.body': { ok: true, n: 1 } })).toBeUndefined();
    expect(pathMismatch({ body: { ok: true, n: 1 } }, { '$.body': { ok: true } })).toBe('$.body: expected {"ok":true}, got {"ok":true,"n":1}');
  });
});

describe('context', () => {
  it('takes the target from the Glidepath object', () => {
    expect(resolveTarget(parseTemplateEvent(glidepathEvent), {})).toMatchObject({ functionName: 'orders-api', version: '8', alias: 'live', source: 'glidepath' });
  });
  it('under CodeDeploy: TARGET_VERSION as SAM’s qualified ARN, or TARGET_FUNCTION + TARGET_VERSION', () => {
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api:8';
    expect(resolveTarget(parseTemplateEvent(codeDeployEvent), { TARGET_VERSION: arn, TARGET_ALIAS: 'live' })).toEqual({
      functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api',
      version: '8',
      alias: 'live',
      source: 'environment',
    });
    expect(resolveTarget(parseTemplateEvent(codeDeployEvent), { TARGET_FUNCTION: 'orders-api', TARGET_VERSION: '9' })).toMatchObject({ version: '9' });
    expect(() => resolveTarget(parseTemplateEvent(codeDeployEvent), {})).toThrow(/^TARGET_VERSION: is required/);
    expect(() => resolveTarget(parseTemplateEvent(codeDeployEvent), { TARGET_VERSION: '9' })).toThrow(/^TARGET_FUNCTION: is required/);
    expect(() => resolveTarget(parseTemplateEvent(codeDeployEvent), { TARGET_FUNCTION: 'f', TARGET_VERSION: '$LATEST' })).toThrow('never $LATEST');
  });
  it('an event without the hook fields cannot be reported', () => {
    expect(() => parseTemplateEvent({ hello: 1 })).toThrow('DeploymentId and LifecycleEventHookExecutionId');
  });
  it('fills placeholders', () => {
    expect(fillPlaceholders('https://x/{function}/{targetVersion}?from={currentVersion}&a={alias}&k={unknown}', target)).toBe(
      'https://x/orders-api/8?from=7&a=live&k={unknown}',
    );
  });
});

describe('runTemplate', () => {
  it('reports Succeeded/Failed from the check, to Glidepath when the event has the Glidepath object', async () => {
    const reports: unknown[] = [];
    const report = async (r: unknown, underGlidepath: boolean) => void reports.push({ ...(r as object), underGlidepath });
    const ok = await runTemplate('t', glidepathEvent, {}, report, async () => ({ passed: true, summary: 'fine' }));
    expect(ok.status).toBe('Succeeded');
    await runTemplate('t', codeDeployEvent, { TARGET_FUNCTION: 'f', TARGET_VERSION: '3' }, report, async () => ({ passed: false, summary: 'bad' }));
    expect(reports).toEqual([
      { deploymentId: 'gp-1', lifecycleEventHookExecutionId: 'AAAAAAAAAAAAAAAAAAAAAA', status: 'Succeeded', underGlidepath: true },
      { deploymentId: 'd-ABCDEF123', lifecycleEventHookExecutionId: 'eyJlbmNyeXB0ZWREYXRh', status: 'Failed', underGlidepath: false },
    ]);
  });
  it('a check that throws, or bad configuration, is a Failed report naming the cause', async () => {
    const statuses: string[] = [];
    const report = async (r: { status: string }) => void statuses.push(r.status);
    const thrown = await runTemplate('t', glidepathEvent, {}, report, async () => {
      throw new Error('kaput');
    });
    expect(thrown).toMatchObject({ status: 'Failed', summary: 't: kaput' });
    const config = await runTemplate('smoke-invoke', glidepathEvent, { GLIDEPATH_SMOKE_EVENTS: '{' }, report, async () => ({
      passed: true,
      summary: '',
      details: readSmokeConfig({ GLIDEPATH_SMOKE_EVENTS: '{' }),
    }));
    expect(config.summary).toBe('smoke-invoke: GLIDEPATH_SMOKE_EVENTS: must be JSON, got "{"');
    expect(statuses).toEqual(['Failed', 'Failed']);
  });
});

describe('smoke-invoke', () => {
  const invoker = (answer: (event: unknown) => { payload: string; functionError?: string; executedVersion?: string }) => {
    const calls: { fn: string; qualifier: string; event: unknown }[] = [];
    const invoke: InvokeVersion = async (fn, qualifier, event) => (calls.push({ fn, qualifier, event }), answer(event));
    return { calls, invoke };
  };
  it('reads cases; default one empty event; GLIDEPATH_SMOKE_EXPECT applies to cases without expect', () => {
    expect(readSmokeConfig({})).toEqual([{ name: 'case 1', event: {} }]);
    const cases = readSmokeConfig({
      GLIDEPATH_SMOKE_EVENTS: JSON.stringify([{ name: 'get', event: { id: 1 } }, { event: { id: 2 }, expect: { contains: 'x' } }]),
      GLIDEPATH_SMOKE_EXPECT: JSON.stringify({ subset: { statusCode: 200 } }),
    });
    expect(cases).toEqual([
      { name: 'get', event: { id: 1 }, expect: { subset: { statusCode: 200 } } },
      { name: 'case 2', event: { id: 2 }, expect: { contains: 'x' } },
    ]);
    expect(() => readSmokeConfig({ GLIDEPATH_SMOKE_EVENTS: '[{"id":1}]' })).toThrow('GLIDEPATH_SMOKE_EVENTS[0]: must be an object with an "event"');
    expect(() => readSmokeConfig({ GLIDEPATH_SMOKE_EVENTS: '[{"event":{},"expect":{"subst":1}}]' })).toThrow('unknown keys subst');
  });
  it('invokes the version (never the alias) once per case and passes good answers', async () => {
    const { calls, invoke } = invoker((e) => ({ payload: JSON.stringify({ statusCode: 200, echo: e }), executedVersion: '8' }));
    const cases = readSmokeConfig({ GLIDEPATH_SMOKE_EVENTS: JSON.stringify([{ event: { a: 1 }, expect: { paths: { '$.echo.a': 1 } } }, { event: { a: 2 } }]) });
    const result = await smokeInvoke(target, cases, invoke);
    expect(result).toMatchObject({ passed: true, summary: 'smoke-invoke orders-api:8: 2 of 2 cases passed' });
    expect(calls.map((c) => c.qualifier)).toEqual(['8', '8']);
  });
  it('fails on a function error, a failed assertion, or another version answering', async () => {
    expect(judgeResponse({ payload: '{"errorType":"TypeError","errorMessage":"boom","trace":["at x"]}', functionError: 'Unhandled' }, undefined)).toBe(
      'function error Unhandled: TypeError: boom',
    );
    expect(judgeResponse({ payload: 'Task timed out', functionError: 'Unhandled' }, undefined)).toBe('function error Unhandled: Task timed out');
    expect(judgeResponse({ payload: '{"statusCode":500}' }, { subset: { statusCode: 200 } })).toBe('$.statusCode: expected 200, got 500');
    expect(judgeResponse({ payload: 'plain' }, { contains: 'plan' })).toBe('response does not contain "plan"');
    const { invoke } = invoker(() => ({ payload: '{}', executedVersion: '7' }));
    const result = await smokeInvoke(target, [{ name: 'one', event: {} }], invoke);
    expect(result).toMatchObject({ passed: false, summary: 'smoke-invoke orders-api:8: 1 of 1 cases failed; one: version 7 answered, not 8' });
  });
});

describe('http-probe', () => {
  const fakeFetch = (answers: { status: number; body: string; ms: number }[]) => {
    let clock = 0;
    let i = 0;
    const urls: string[] = [];
    return {
      urls,
      ports: {
        timer: () => clock,
        sleep: async () => undefined,
        fetch: (async (url: string) => {
          urls.push(url);
          const a = answers[Math.min(i++, answers.length - 1)]!;
          clock += a.ms;
          return new Response(a.body, { status: a.status });
        }) as unknown as typeof fetch,
      },
    };
  };
  it('reads its settings and refuses bad ones by name', () => {
    expect(readProbeConfig({ GLIDEPATH_PROBE_URL: 'https://x/health' })).toMatchObject({ count: 5, method: 'GET', expectStatus: ['200'], timeoutMs: 10000 });
    expect(() => readProbeConfig({})).toThrow('GLIDEPATH_PROBE_URL: is required');
    expect(() => readProbeConfig({ GLIDEPATH_PROBE_URL: 'ftp://x' })).toThrow('GLIDEPATH_PROBE_URL: must be an http:// or https:// URL');
    expect(() => readProbeConfig({ GLIDEPATH_PROBE_URL: 'http://x', GLIDEPATH_PROBE_COUNT: '0' })).toThrow('GLIDEPATH_PROBE_COUNT: must be an integer from 1 to 1000, got "0"');
    expect(() => readProbeConfig({ GLIDEPATH_PROBE_URL: 'http://x', GLIDEPATH_PROBE_EXPECT_STATUS: '2x' })).toThrow('GLIDEPATH_PROBE_EXPECT_STATUS');
    expect(statusExpected(204, ['2xx'])).toBe(true);
    expect(statusExpected(301, ['200', '2xx'])).toBe(false);
  });
  it('passes when every call answers as expected within the bound', async () => {
    const { urls, ports } = fakeFetch([{ status: 200, body: '{"status":"ok","version":"8"}', ms: 40 }]);
    const config = readProbeConfig({
      GLIDEPATH_PROBE_URL: 'https://api.example/health?v={targetVersion}',
      GLIDEPATH_PROBE_COUNT: '3',
      GLIDEPATH_PROBE_BODY_REGEX: '"version":"8"',
      GLIDEPATH_PROBE_MAX_LATENCY_MS: '50',
    });
    const result = await httpProbe(target, config, ports);
    expect(result).toMatchObject({ passed: true, summary: 'http-probe GET https://api.example/health?v=8: 3 of 3 calls passed, slowest 40 ms' });
    expect(urls).toHaveLength(3);
  });
  it('fails on a wrong status, a body mismatch, or a slow call', async () => {
    const config = readProbeConfig({ GLIDEPATH_PROBE_URL: 'https://x/', GLIDEPATH_PROBE_COUNT: '2', GLIDEPATH_PROBE_BODY_CONTAINS: 'ok', GLIDEPATH_PROBE_MAX_LATENCY_MS: '100' });
    const wrong = await httpProbe(target, config, fakeFetch([{ status: 200, body: 'ok', ms: 1 }, { status: 503, body: 'ok', ms: 1 }]).ports);
    expect(wrong.summary).toBe('http-probe GET https://x/: 1 of 2 calls failed; first: status 503, expected 200');
    const body = await httpProbe(target, config, fakeFetch([{ status: 200, body: 'nope', ms: 1 }]).ports);
    expect(body.summary).toContain('body does not contain "ok"');
    const slow = await httpProbe(target, config, fakeFetch([{ status: 200, body: 'ok', ms: 20 }, { status: 200, body: 'ok', ms: 150 }]).ports);
    expect(slow).toMatchObject({ passed: false, summary: 'http-probe GET https://x/: slowest call 150 ms > 100 ms' });
  });
});

describe('metric-gate', () => {
  const config = readMetricGateConfig({ GLIDEPATH_METRIC_WINDOW_SECONDS: '90', GLIDEPATH_METRIC_MAX_ERROR_PERCENT: '5', GLIDEPATH_METRIC_MAX_P99_MS: '300', GLIDEPATH_METRIC_MIN_INVOCATIONS: '10' });
  it('queries the version’s own metrics: FunctionName, Resource and ExecutedVersion', () => {
    expect(config.windowSeconds).toBe(120);
    const queries = metricQueries({ ...target, functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api' }, config);
    expect(queries.map((q) => [q.id, q.metricName, q.stat])).toEqual([
      ['errors', 'Errors', 'Sum'],
      ['invocations', 'Invocations', 'Sum'],
      ['p99', 'Duration', 'p99'],
    ]);
    expect(queries[0]!.dimensions).toEqual([
      { Name: 'FunctionName', Value: 'orders-api' },
      { Name: 'Resource', Value: 'orders-api:live' },
      { Name: 'ExecutedVersion', Value: '8' },
    ]);
    expect(() => metricQueries({ functionName: 'f', version: '2', source: 'environment' }, config)).toThrow('GLIDEPATH_METRIC_RESOURCE: is required');
    const byVersion = metricQueries({ ...target, functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api' }, { ...config, resource: '{function}:{targetVersion}' });
    expect(byVersion[0]!.dimensions[1]).toEqual({ Name: 'Resource', Value: 'orders-api:8' });
  });
  it('judges error rate, p99 and evidence', () => {
    expect(judgeReading({ invocations: 100, errors: 5, p99Ms: 300 }, config)).toEqual({ passed: true, reason: 'error rate 5.00% (5/100), p99 300 ms' });
    expect(judgeReading({ invocations: 100, errors: 6, p99Ms: 10 }, config)).toEqual({ passed: false, reason: 'error rate 6.00% (6/100) > 5%' });
    expect(judgeReading({ invocations: 100, errors: 0, p99Ms: 301 }, config)).toEqual({ passed: false, reason: 'p99 301 ms > 300 ms' });
    expect(judgeReading({ invocations: 2, errors: 0, p99Ms: 95.84068 }, { ...config, minInvocations: 1 }).reason).toBe('error rate 0.00% (0/2), p99 95.8 ms');
    expect(judgeReading({ invocations: 9, errors: 0 }, config)).toEqual({ passed: false, reason: '9 invocations < 10 needed' });
  });
  it('waits for enough invocations, polling until the wait is over', async () => {
    let clock = 1_000_000;
    const readings = [{ invocations: [3], errors: [0], p99: [10] }, { invocations: [12], errors: [0], p99: [10] }];
    let calls = 0;
    const result = await metricGate(target, { ...config, waitSeconds: 120, pollSeconds: 60 }, {
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
      getMetricData: async ({ start, end }) => {
        expect(end.getTime() - start.getTime()).toBe(120_000);
        return readings[Math.min(calls++, 1)]!;
      },
    });
    expect(calls).toBe(2);
    expect(result).toMatchObject({ passed: true, summary: 'metric-gate orders-api version 8 over 120 s: error rate 0.00% (0/12), p99 10 ms' });
  });
});

describe('warm-up', () => {
  it('invokes N times with at most C at once; errors fail unless allowed', async () => {
    let inFlight = 0;
    let peak = 0;
    let n = 0;
    const invoke: InvokeVersion = async (_f, qualifier) => {
      expect(qualifier).toBe('8');
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
      return ++n === 3 ? { payload: 'boom', functionError: 'Unhandled' } : { payload: 'null' };
    };
    const ports = { invoke, getProvisionedConcurrency: async () => ({}), now: () => 0, sleep: async () => undefined };
    const config = readWarmUpConfig({ GLIDEPATH_WARMUP_INVOCATIONS: '7', GLIDEPATH_WARMUP_CONCURRENCY: '3' });
    const result = await warmUp(target, config, ports);
    expect(n).toBe(7);
    expect(peak).toBe(3);
    expect(result).toMatchObject({ passed: false, summary: 'warm-up orders-api:8: 7 invocations, 1 failed (first: function error Unhandled: boom)' });
    n = 0;
    expect((await warmUp(target, { ...config, allowErrors: true } as typeof config, ports)).passed).toBe(true);
  });
  it('provisioned: polls until READY; FAILED, none or timeout fail', async () => {
    const run = async (states: ProvisionedStatus[], timeout = '60') => {
      let clock = 0;
      let i = 0;
      return warmUp(target, readWarmUpConfig({ GLIDEPATH_WARMUP_MODE: 'provisioned', GLIDEPATH_WARMUP_TIMEOUT_SECONDS: timeout, GLIDEPATH_WARMUP_POLL_SECONDS: '10' }), {
        invoke: async () => ({ payload: '' }),
        getProvisionedConcurrency: async (_f, q) => (expect(q).toBe('8'), states[Math.min(i++, states.length - 1)]!),
        now: () => clock,
        sleep: async (ms) => void (clock += ms),
      });
    };
    expect(await run([{ status: 'IN_PROGRESS', requested: 5, available: 2 }, { status: 'READY', requested: 5, available: 5 }])).toMatchObject({
      passed: true,
      summary: 'warm-up orders-api:8: provisioned concurrency READY (5/5 available)',
    });
    expect((await run([{ status: 'FAILED', reason: 'Insufficient capacity' }])).summary).toBe('warm-up orders-api:8: provisioned concurrency FAILED: Insufficient capacity');
    expect((await run([{}])).summary).toBe('warm-up orders-api:8: no provisioned concurrency is configured');
    expect((await run([{ status: 'IN_PROGRESS' }], '30')).summary).toBe('warm-up orders-api:8: provisioned concurrency still IN_PROGRESS after 30 s');
    expect(() => readWarmUpConfig({ GLIDEPATH_WARMUP_MODE: 'hot' })).toThrow('GLIDEPATH_WARMUP_MODE: must be one of invoke, provisioned, got "hot"');
  });
});
