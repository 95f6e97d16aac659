/**
 * `glidepath local up` as a user runs it: a child process that prints `export` lines, leaves a
 * state file, serves any SDK, and stops cleanly on SIGINT/SIGTERM.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { cleanEnv, createFunction, json, runCli, startLocalUp, useLocalUp } from './harness.ts';

describe('glidepath local up', () => {
  const local = useLocalUp();

  it('prints one `export` per line: endpoints, region, dummy credentials, table and state machine', () => {
    const lines = local.up.stdout.trim().split('\n');
    expect(lines.every((line) => /^export [A-Z0-9_]+=\S+$/.test(line))).toBe(true);
    const url = local.up.env.AWS_ENDPOINT_URL!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const service of ['LAMBDA', 'CLOUDWATCH', 'CODEDEPLOY', 'SFN', 'DYNAMODB']) expect(local.up.env[`AWS_ENDPOINT_URL_${service}`]).toBe(url);
    expect(local.up.env.AWS_REGION).toBe('us-east-1');
    expect(local.up.env.AWS_ACCESS_KEY_ID).toBeTruthy();
    expect(local.up.env.AWS_SECRET_ACCESS_KEY).toBeTruthy();
    expect(local.up.env.GLIDEPATH_STATE_MACHINE_ARN).toMatch(/^arn:aws:states:us-east-1:\d{12}:stateMachine:/);
    expect(lines[0]).toBe(`export AWS_ENDPOINT_URL=${url}`);
    expect(lines.at(-1)).toMatch(/^export GLIDEPATH_/);
  });

  it('serves the Step Functions API to an SDK client configured from the printed variables', async () => {
    const sfn = new SFNClient({
      endpoint: local.up.env.AWS_ENDPOINT_URL_SFN!,
      region: local.up.env.AWS_REGION!,
      credentials: { accessKeyId: local.up.env.AWS_ACCESS_KEY_ID!, secretAccessKey: local.up.env.AWS_SECRET_ACCESS_KEY! },
    });
    const out = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: local.up.env.GLIDEPATH_STATE_MACHINE_ARN! }));
    expect(out.definition).toContain('"StartAt"');
    expect(out.definition).not.toContain('${PrepareFunctionArn}');
    sfn.destroy();
  });

  it('leaves a state file through which `--local` commands find it, with no variables exported', async () => {
    const state = JSON.parse(readFileSync(join(local.up.stateDir, 'local.json'), 'utf8')) as Record<string, any>;
    expect(state.url).toBe(local.up.env.AWS_ENDPOINT_URL);
    expect(state.stateMachineArn).toBe(local.up.env.GLIDEPATH_STATE_MACHINE_ARN);
    expect(state.pid).toBe(local.up.child.pid);
    const result = await runCli(['list', '--local', '--output', 'json'], cleanEnv({ GLIDEPATH_STATE_DIR: local.up.stateDir }));
    expect(result.stderr).not.toContain('started one');
    expect(result.code).toBe(0);
    expect(json(result).deployments).toEqual([]);
  });

  it('--output json prints the environment as one JSON object; SIGINT stops it and removes the state file', async () => {
    const other = await startLocalUp({ speed: 60, args: ['--output', 'json'] });
    const doc = JSON.parse(other.stdout) as Record<string, any>;
    expect(doc.env.GLIDEPATH_STATE_MACHINE_ARN).toBe(doc.stateMachineArn);
    expect(doc.speed).toBe(60);
    const file = join(other.stateDir, 'local.json');
    expect(existsSync(file)).toBe(true);
    other.child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => other.child.on('close', resolve));
    expect(code).toBe(0);
    expect(existsSync(file)).toBe(false);
    await other.stop();
  }, 60_000);

  it('tells, beside the exports, how to reach it with an AWS CLI older than 2.13', async () => {
    const url = local.up.env.AWS_ENDPOINT_URL!;
    await expect.poll(() => local.up.stderr()).toContain(`aws --endpoint-url ${url} lambda list-functions`);
    expect(local.up.stderr()).toContain('older than 2.13');
    expect(local.up.stderr()).toContain(`aws --endpoint-url ${url}/s3 s3 ls`);
  });

  it('--speed max: deploy --local --wait rehearses a 90-minute Linear10PercentEvery10Minutes in seconds', async () => {
    const up = await startLocalUp({ speed: 'max' });
    try {
      await expect.poll(() => up.stderr()).toContain('(virtual time)');
      await createFunction(up.env, 'vt-cli');
      const t0 = performance.now();
      const result = await runCli(['deploy', '--local', '--strategy', 'Linear10PercentEvery10Minutes', '--function', 'vt-cli', '--alias', 'live', '--target', '2', '--wait', '--output', 'json'], up.cliEnv);
      expect(result.code, result.stderr).toBe(0);
      expect(performance.now() - t0).toBeLessThan(45_000);
      expect(json(result)).toMatchObject({ status: 'Succeeded', weight: 100 });
      // The simulated span is the plan's 90 minutes, though the run took seconds.
      const listed = json(await runCli(['list', '--local', '--output', 'json'], up.cliEnv)).deployments[0];
      expect(Date.parse(listed.endedAt) - Date.parse(listed.createdAt)).toBeGreaterThanOrEqual(90 * 60_000);
    } finally {
      await up.stop();
    }
  }, 90_000);

  it('rejects a bad --port with exit code 2', async () => {
    const result = await runCli(['local', 'up', '--port', '99999'], cleanEnv());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--port: must be a port number');
  });
});
