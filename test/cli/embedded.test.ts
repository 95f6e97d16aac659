/**
 * `--local` with no engine running: `deploy` starts one inside the command (so `deploy --local
 * --wait` works alone); the read-only commands say that no engine runs (exit 5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, json, runCli } from './harness.ts';

describe('--local without a running engine', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'glidepath-none-'));
  const env = cleanEnv({ GLIDEPATH_STATE_DIR: stateDir });
  afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

  it('deploy --local --wait starts an engine for itself and runs the deployment to its end', async () => {
    // The fresh engine has no functions: Prepare refuses, which proves the whole path ran.
    const result = await runCli(['deploy', '--local', '--strategy', 'AllAtOnce', '--function', 'absent', '--alias', 'live', '--target', '2', '--wait', '--output', 'json'], env);
    expect(result.stderr).toContain('no local engine is running; started one for this command');
    expect(result.code).toBe(1);
    expect(json(result)).toMatchObject({ status: 'Failed', functionName: 'absent', done: true });
    expect(json(result).error.code).toBe('INVALID_LAMBDA_FUNCTION');
  }, 60_000);

  it('GLIDEPATH_ENGINE=local works as --local; status and list fail with exit 5 and say how to start one', async () => {
    const status = await runCli(['status', 'gp-00000000000000000000'], { ...env, GLIDEPATH_ENGINE: 'local' });
    expect(status.code).toBe(5);
    expect(status.stderr).toContain('glidepath local up');
    const list = await runCli(['list', '--local', '--output', 'json'], env);
    expect(list.code).toBe(5);
    expect(json(list).error.message).toContain('no local engine is running');
  }, 30_000);

  it('without --local and without a stack, AWS is asked (here: unreachable or not found), never a local engine', async () => {
    const result = await runCli(['list', '--stack', 'glidepath-test', '--region', 'us-east-1'], {
      ...env,
      AWS_ACCESS_KEY_ID: 'x',
      AWS_SECRET_ACCESS_KEY: 'y',
      AWS_ENDPOINT_URL_CLOUDFORMATION: 'http://127.0.0.1:9',
      AWS_MAX_ATTEMPTS: '1',
    });
    expect([3, 5]).toContain(result.code);
    expect(result.stderr).toMatch(/CloudFormation|stack glidepath-test/);
  }, 30_000);
});
