/**
 * `deploy`, `status`, `list` spawned as processes against a `local up` engine: human and JSON
 * output, and the exit codes CI relies on.
 */
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { breachUntil, eventually, json, lambda, putErrorsAlarm, runCli, startCli, startedId, useLocalUp } from './harness.ts';

const LONG_BAKE = '{"steps":[{"setWeight":10},{"bake":"20m"},{"setWeight":100}]}';

describe('glidepath deploy / status / list against local up', () => {
  const local = useLocalUp(['cli-human', 'cli-json', 'cli-watch', 'cli-rollback', 'cli-appspec', 'cli-sam', 'cli-request', 'cli-timeout']);

  const alias = async (name: string) => lambda(local.up.env).send(new GetAliasCommand({ FunctionName: name, Name: 'live' }));

  it('deploy --wait (not a terminal): plain progress lines, the outcome, exit 0, alias on the target', async () => {
    const result = await runCli(
      ['deploy', '--strategy', 'Canary10Percent5Minutes', '--function', 'cli-human', '--alias', 'live', '--current', '1', '--target', '2', '--wait'],
      local.env,
    );
    expect(result.code, result.stderr).toBe(0);
    const id = startedId(result.stdout);
    expect(result.stdout).toContain('cli-human:live version 1 → version 2 with Canary10Percent5Minutes (3 steps, 5m of bakes)');
    expect(result.stdout).toMatch(new RegExp(`${id} InProgress  weight 10%`));
    expect(result.stdout).toMatch(/Succeeded in \S+: live serves version 2/);
    expect(result.stdout).not.toMatch(/\u001b\[/);
    const out = await alias('cli-human');
    expect(out.FunctionVersion).toBe('2');
    expect(out.RoutingConfig?.AdditionalVersionWeights ?? {}).toEqual({});
  }, 60_000);

  it('deploy --wait --output json: one JSON document, the final state', async () => {
    const result = await runCli(
      ['deploy', '--strategy', 'Linear10PercentEvery1Minute', '--function', 'cli-json', '--alias', 'live', '--target', '2', '--wait', '--output', 'json'],
      local.env,
    );
    expect(result.code, result.stderr).toBe(0);
    const doc = json(result);
    expect(doc.status).toBe('Succeeded');
    expect(doc.done).toBe(true);
    expect(doc.currentVersion).toBe('1');
    expect(doc.weight).toBe(100);
    expect(doc.weights.map((w: { weight: number }) => w.weight)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(doc.stepCount).toBe(19);

    const status = await runCli(['status', doc.id, '--output', 'json'], local.env);
    expect(status.code).toBe(0);
    expect(json(status)).toMatchObject({ id: doc.id, status: 'Succeeded', weight: 100, functionName: 'cli-json', alias: 'live' });
    const human = await runCli(['status', doc.id], local.env);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`${doc.id}  cli-json:live  version 1 → 2  Linear10PercentEvery1Minute`);
    expect(human.stdout).toMatch(/Succeeded +█{40} 100% on version 2/);
    expect(human.stdout).toContain('events (10 of');
  }, 60_000);

  it('deploy without --wait prints the id; status --watch follows it and ends when it ends', async () => {
    const started = await runCli(['deploy', '--strategy', LONG_BAKE, '--function', 'cli-watch', '--alias', 'live', '--target', '2'], local.env);
    expect(started.code, started.stderr).toBe(0);
    const id = startedId(started.stdout);
    expect(started.stdout).toContain(`Follow it: glidepath status ${id} --watch --local`);
    const t0 = Date.now();
    const watched = await runCli(['status', id, '--watch', '--interval', '50'], local.env);
    expect(watched.code, watched.stderr).toBe(0);
    expect(watched.stdout).toMatch(/weight 10%  step 2\/3 bake 20m/);
    expect(watched.stdout.trim().split('\n').at(-1)).toMatch(/^Succeeded in/);
    const record = await local.read(id);
    expect(record?.status).toBe('Succeeded');
    expect(Date.now() - t0).toBeLessThan(30_000);

    const json1 = await runCli(['deploy', '--strategy', 'AllAtOnce', '--function', 'cli-watch', '--alias', 'live', '--current', '2', '--target', '1', '--output', 'json'], local.env);
    expect(json1.code).toBe(0);
    const doc = json(json1);
    expect(doc.deploymentId).toMatch(/^gp-[0-9a-z]{20}$/);
    expect(doc.executionArn).toBe(`${local.up.env.GLIDEPATH_STATE_MACHINE_ARN!.replace(':stateMachine:', ':execution:')}:${doc.deploymentId}`);
    expect(doc.request).toMatchObject({ functionName: 'cli-watch', targetVersion: '1', strategy: 'AllAtOnce' });
    const end = await runCli(['status', doc.deploymentId, '--watch', '--output', 'json'], local.env);
    expect(end.code).toBe(0);
    expect(json(end).status).toBe('Succeeded');
  }, 60_000);

  it('deploy --wait exits 1 when an alarm rolls the deployment back, and says why', async () => {
    await putErrorsAlarm(local.up.env, 'cli-rollback-errors', 'Test/CLI');
    const run = startCli(
      ['deploy', '--strategy', '{"steps":[{"setWeight":10},{"bake":"60m"},{"setWeight":100}]}', '--function', 'cli-rollback', '--alias', 'live', '--target', '2', '--alarm', 'cli-rollback-errors', '--wait'],
      local.env,
    );
    await eventually(async () => ((await alias('cli-rollback')).RoutingConfig?.AdditionalVersionWeights?.['2'] === 0.1 ? true : undefined), 20_000, 'canary at 10%');
    const result = await breachUntil(local.up.env, 'Test/CLI', run.done);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/alarms cli-rollback-errors=ALARM/);
    expect(result.stdout).toMatch(/Failed after \S+ \(ALARM_ACTIVE\): .*cli-rollback-errors/);
    const out = await alias('cli-rollback');
    expect(out.FunctionVersion).toBe('1');
    expect(out.RoutingConfig?.AdditionalVersionWeights ?? {}).toEqual({});
  }, 60_000);

  it('deploys from an AppSpec, a SAM template and a request file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glidepath-files-'));
    writeFileSync(
      join(dir, 'appspec.yaml'),
      ['version: 0.0', 'Resources:', '  - api:', '      Type: AWS::Lambda::Function', '      Properties:', '        Name: cli-appspec', '        Alias: live', '        CurrentVersion: "1"', '        TargetVersion: "2"', ''].join('\n'),
    );
    writeFileSync(
      join(dir, 'template.yaml'),
      [
        'Transform: AWS::Serverless-2016-10-31',
        'Resources:',
        '  OrdersFunction:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      FunctionName: cli-sam',
        '      AutoPublishAlias: live',
        '      DeploymentPreference:',
        '        Type: Canary10Percent10Minutes',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'request.json'), JSON.stringify({ functionName: 'cli-request', alias: 'live', targetVersion: '2', strategy: { type: 'TimeBasedLinear', percentage: 50, intervalMinutes: 1 } }));

    const appspec = await runCli(['deploy', '--appspec', join(dir, 'appspec.yaml'), '--strategy', 'Linear10PercentEvery1Minute', '--wait', '--output', 'json'], local.env);
    expect(appspec.code, appspec.stderr).toBe(0);
    expect(json(appspec)).toMatchObject({ functionName: 'cli-appspec', status: 'Succeeded', strategy: 'Linear10PercentEvery1Minute' });

    const sam = await runCli(['deploy', '--template', 'template.yaml', '--function', 'OrdersFunction', '--target', '2', '--wait', '--output', 'json'], { ...local.env }, { cwd: dir });
    expect(sam.code, sam.stderr).toBe(0);
    expect(json(sam)).toMatchObject({ functionName: 'cli-sam', alias: 'live', status: 'Succeeded', strategy: 'Canary10Percent10Minutes', currentVersion: '1' });

    const request = await runCli(['deploy', '--request', join(dir, 'request.json'), '--wait'], local.env);
    expect(request.code, request.stderr).toBe(0);
    expect(request.stdout).toContain('cli-request:live the version it serves → version 2 with TimeBasedLinear50PercentEvery1Minute');
  }, 60_000);

  it('invalid input exits 2 before anything starts; JSON errors name the field', async () => {
    const bad = await runCli(
      ['deploy', '--strategy', '{"type":"TimeBasedCanary","percentage":150,"intervalMinutes":5}', '--function', 'cli-human', '--alias', 'live', '--target', '2'],
      local.env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: strategy\.percentage: /m);
    const missing = await runCli(['deploy', '--strategy', 'AllAtOnce', '--function', 'cli-human', '--alias', 'live', '--output', 'json'], local.env);
    expect(missing.code).toBe(2);
    expect(json(missing).error).toMatchObject({ code: 'INVALID_REQUEST', field: '--target' });
    const latest = await runCli(['deploy', '--strategy', 'AllAtOnce', '--function', 'cli-human', '--alias', 'live', '--target', '$LATEST'], local.env);
    expect(latest.code).toBe(2);
    expect(latest.stderr).toContain('targetVersion');
    const output = await runCli(['list', '--output', 'yaml'], local.env);
    expect(output.code).toBe(2);
  }, 60_000);

  it('--timeout ends the wait with exit 6 while the deployment goes on', async () => {
    const result = await runCli(['deploy', '--strategy', '{"steps":[{"setWeight":10},{"bake":"12h"},{"setWeight":100}]}', '--function', 'cli-timeout', '--alias', 'live', '--target', '2', '--wait', '--timeout', '2s'], local.env);
    expect(result.code).toBe(6);
    expect(result.stderr).toContain('--timeout reached; the deployment goes on');
    const id = startedId(result.stdout);
    expect((await local.read(id))?.status).toBe('InProgress');
    const aborted = await runCli(['abort', id, '--wait', '--timeout', '20s'], local.env);
    expect(aborted.code, aborted.stderr).toBe(0);
  }, 60_000);

  it('a deployment Prepare refuses (no such function) exits 1 with the reason', async () => {
    const result = await runCli(['deploy', '--strategy', 'AllAtOnce', '--function', 'no-such-function', '--alias', 'live', '--target', '2', '--wait', '--output', 'json'], local.env);
    expect(result.code).toBe(1);
    const doc = json(result);
    expect(doc.status).toBe('Failed');
    expect(doc.error.code).toBe('INVALID_LAMBDA_FUNCTION');
  }, 60_000);

  it('status of an unknown deployment exits 3 (human and JSON)', async () => {
    const human = await runCli(['status', 'gp-0000000000nosuchdeploy'], local.env);
    expect(human.code).toBe(3);
    expect(human.stderr).toContain('no deployment gp-0000000000nosuchdeploy');
    const doc = await runCli(['status', 'gp-0000000000nosuchdeploy', '--output', 'json'], local.env);
    expect(doc.code).toBe(3);
    expect(json(doc).error.code).toBe('DEPLOYMENT_NOT_FOUND');
  }, 30_000);

  it('list shows deployments newest first, all or of one alias (human and JSON)', async () => {
    const all = await runCli(['list', '--output', 'json'], local.env);
    expect(all.code).toBe(0);
    const rows = json(all).deployments as { id: string; functionName?: string; createdAt?: string }[];
    expect(rows.length).toBeGreaterThanOrEqual(5);
    const ids = rows.map((r) => r.id);
    expect([...ids].sort().reverse()).toEqual(ids);
    const one = await runCli(['list', '--function', 'cli-watch', '--alias', 'live', '--output', 'json'], local.env);
    const watchRows = json(one).deployments as { functionName: string; status: string }[];
    expect(watchRows).toHaveLength(2);
    expect(watchRows.every((r) => r.functionName === 'cli-watch' && r.status === 'Succeeded')).toBe(true);
    const human = await runCli(['list', '--status', 'Failed'], local.env);
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')[0]).toMatch(/^ID +TARGET +VERSIONS +STRATEGY +STATUS +WEIGHT +STARTED$/);
    expect(human.stdout).toContain('cli-rollback:live');
    expect(human.stdout).not.toContain('cli-json:live');
  }, 30_000);
});
