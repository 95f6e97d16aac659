/**
 * Times the CLI writes come from the target's clock: on a virtual-time engine that has rehearsed
 * a 12-hour bake, a group put now is stamped with the engine's time, hours past the wall clock.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, runCli, useLocalUp } from './harness.ts';

const HOUR = 3_600_000;

describe('CLI timestamps on the engine clock', () => {
  const local = useLocalUp(['clk-app'], { speed: 'max' });

  it('group put is stamped with the engine time after a rehearsed 12h bake', async () => {
    const baked = await runCli(['deploy', '--strategy', JSON.stringify({ steps: [{ setWeight: 10 }, { bake: '12h' }, { setWeight: 100 }] }), '--function', 'clk-app', '--alias', 'live', '--target', '2', '--wait', '--output', 'json'], local.env);
    expect(baked.code, baked.stderr).toBe(0);
    const wall = Date.now();
    const dir = mkdtempSync(join(tmpdir(), 'gp-clock-'));
    const file = join(dir, 'clk.json');
    writeFileSync(file, JSON.stringify({ name: 'clk', function: 'clk-app', alias: 'live', strategy: 'AllAtOnce' }));
    const put = await runCli(['group', 'put', '--file', file, '--output', 'json'], local.env);
    expect(put.code, put.stderr).toBe(0);
    const stamped = Date.parse(json(put).createdAt);
    expect(stamped - wall).toBeGreaterThan(11 * HOUR);
    expect(json(put).updatedAt).toBe(json(put).createdAt);
  }, 90_000);
});
