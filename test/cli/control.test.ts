/**
 * Operator commands spawned as processes: approve, pause/resume, promote, promote --full, abort.
 */
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { eventually, json, lambda, runCli, startCli, startedId, useLocalUp } from './harness.ts';

const steps = (list: unknown[]) => JSON.stringify({ steps: list });

describe('glidepath abort / promote / pause / resume / approve', () => {
  const local = useLocalUp(['ctl-approve', 'ctl-race', 'ctl-pause', 'ctl-promote', 'ctl-full', 'ctl-abort']);

  const deploy = async (fn: string, strategy: string) => {
    const result = await runCli(['deploy', '--strategy', strategy, '--function', fn, '--alias', 'live', '--target', '2'], local.env);
    expect(result.code, result.stderr).toBe(0);
    return startedId(result.stdout);
  };
  const until = (id: string, test: (r: NonNullable<Awaited<ReturnType<typeof local.read>>>) => boolean, what: string) =>
    eventually(async () => {
      const record = await local.read(id);
      return record && test(record) ? record : undefined;
    }, 20_000, what);

  it('approve releases an approval step; the deployment then succeeds', async () => {
    const id = await deploy('ctl-approve', steps([{ setWeight: 10 }, { approval: {} }, { setWeight: 100 }]));
    await until(id, (r) => r.waitToken?.kind === 'approval', 'waiting for approval');
    const status = await runCli(['status', id], local.env);
    expect(status.stdout).toContain('step 2 of 3: approval');
    const approved = await runCli(['approve', id], local.env);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(`approve → ${id}: the deployment passes its approval step; the waiting step was released (next)`);
    const watched = await runCli(['status', id, '--watch', '--output', 'json'], local.env);
    expect(watched.code, watched.stdout + watched.stderr).toBe(0);
    expect(json(watched).status).toBe('Succeeded');
    const again = await runCli(['approve', id, '--output', 'json'], local.env);
    expect(again.code).toBe(2);
    expect(json(again).error.code).toBe('INVALID_CONTROL_ACTION');
  }, 60_000);

  it('two approves at once with one approval ahead: one wins (exit 0), the other is refused (exit 2)', async () => {
    const id = await deploy('ctl-race', steps([{ setWeight: 10 }, { bake: '12h' }, { approval: {} }, { setWeight: 100 }]));
    await until(id, (r) => r.weight === 10 && r.stepIndex === 1, 'baking');
    const both = await Promise.all([runCli(['approve', id, '--output', 'json'], local.env), runCli(['approve', id, '--output', 'json'], local.env)]);
    expect(both.map((r) => r.code).sort()).toEqual([0, 2]);
    const loser = both.find((r) => r.code === 2)!;
    expect(json(loser).error.code).toBe('INVALID_CONTROL_ACTION');
    expect(json(loser).error.message).toMatch(/approve/);
    const record = await local.read(id);
    expect(record!.events.filter((e) => e.type === 'ControlAction')).toHaveLength(1);
    await runCli(['abort', id], local.env);
  }, 60_000);

  it('pause holds the deployment (status Paused); resume lets it finish', async () => {
    const id = await deploy('ctl-pause', steps([{ setWeight: 10 }, { bake: '2h' }, { setWeight: 100 }]));
    await until(id, (r) => r.weight === 10, 'canary at 10%');
    const paused = await runCli(['pause', id, '--output', 'json'], local.env);
    expect(paused.code, paused.stderr).toBe(0);
    expect(json(paused)).toMatchObject({ deploymentId: id, action: 'pause' });
    await until(id, (r) => r.status === 'Paused', 'Paused');
    const status = await runCli(['status', id, '--output', 'json'], local.env);
    expect(json(status)).toMatchObject({ status: 'Paused', weight: 10 });
    const resumed = await runCli(['resume', id], local.env);
    expect(resumed.code, resumed.stderr).toBe(0);
    await until(id, (r) => r.status === 'InProgress', 'InProgress again');
    const promoted = await runCli(['promote', id], local.env);
    expect(promoted.code).toBe(0);
    const end = await runCli(['status', id, '--watch', '--output', 'json'], local.env);
    expect(json(end).status).toBe('Succeeded');
  }, 60_000);

  it('promote ends a long bake at once; promote --full skips every remaining step', async () => {
    const id = await deploy('ctl-promote', steps([{ setWeight: 10 }, { bake: '12h' }, { setWeight: 100 }]));
    await until(id, (r) => r.weight === 10 && r.stepIndex === 1, 'baking');
    const promoted = await runCli(['promote', id], local.env);
    expect(promoted.code, promoted.stderr).toBe(0);
    const end = await runCli(['status', id, '--watch', '--output', 'json', '--timeout', '20s'], local.env);
    expect(end.code).toBe(0);
    expect(json(end).status).toBe('Succeeded');

    const full = await deploy('ctl-full', steps([{ setWeight: 10 }, { bake: '12h' }, { setWeight: 50 }, { bake: '12h' }, { setWeight: 100 }]));
    await until(full, (r) => r.weight === 10 && r.stepIndex === 1, 'baking');
    const skipped = await runCli(['promote', full, '--full'], local.env);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toContain('skips to 100% on the target version');
    const done = await runCli(['status', full, '--watch', '--output', 'json', '--timeout', '20s'], local.env);
    expect(json(done).status).toBe('Succeeded');
    expect(json(done).weights.map((w: { weight: number }) => w.weight)).toEqual([0, 10, 100]);
  }, 60_000);

  it('abort --wait rolls back and exits 0; deploy --wait on the same deployment exits 4 (stopped)', async () => {
    const run = startCli(['deploy', '--strategy', steps([{ setWeight: 25 }, { bake: '12h' }, { setWeight: 100 }]), '--function', 'ctl-abort', '--alias', 'live', '--target', '2', '--wait'], local.env);
    const record = await eventually(async () => {
      const rows = json(await runCli(['list', '--function', 'ctl-abort', '--alias', 'live', '--output', 'json'], local.env)).deployments as { id: string; weight: number }[];
      return rows[0]?.weight === 25 ? rows[0] : undefined;
    }, 20_000, 'canary at 25%');
    const aborted = await runCli(['abort', record.id, '--wait', '--output', 'json'], local.env);
    expect(aborted.code, aborted.stderr).toBe(0);
    const doc = json(aborted);
    expect(['Stopped', 'Failed']).toContain(doc.status);
    expect(doc.error.code).toBe('MANUAL_STOP');
    const result = await run.done;
    expect(result.code).toBe(doc.status === 'Stopped' ? 4 : 1);
    const alias = await lambda(local.up.env).send(new GetAliasCommand({ FunctionName: 'ctl-abort', Name: 'live' }));
    expect(alias.FunctionVersion).toBe('1');
    expect(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).toEqual({});
    const late = await runCli(['abort', record.id], local.env);
    expect(late.code).toBe(2);
    expect(late.stderr).toContain('has ended');
  }, 60_000);

  it('an unknown deployment exits 3', async () => {
    const result = await runCli(['pause', 'gp-0000000000nosuchdeploy', '--output', 'json'], local.env);
    expect(result.code).toBe(3);
    expect(json(result).error.code).toBe('DEPLOYMENT_NOT_FOUND');
  }, 30_000);
});
