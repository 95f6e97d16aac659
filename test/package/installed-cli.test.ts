/**
 * The package as a user gets it: `npm pack` (whose prepack bundles the CLI, infra/package-cli.ts),
 * the tarball installed into an empty folder with no dev dependencies, and `glidepath --help`,
 * `plan`, `local up` and `demo` run from there on plain `node`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, ROOT } from '../cli/harness.ts';

let dir: string;
let bin: string;

function npm(args: string[], cwd: string): string {
  const out = spawnSync('npm', args, { cwd, encoding: 'utf8', env: cleanEnv(), timeout: 240_000 });
  if (out.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${out.status}):\n${out.stdout}\n${out.stderr}`);
  return out.stdout;
}

function glidepath(args: string[], timeout = 60_000) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', env: cleanEnv({ NO_COLOR: '1' }), timeout });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'glidepath-installed-'));
  npm(['pack', '--pack-destination', dir], ROOT);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack wrote no tarball');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'uses-glidepath', private: true }));
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--omit=dev', join(dir, tarball)], dir);
  bin = join(dir, 'node_modules', '.bin', 'glidepath');
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the installed package', () => {
  it('ships the bundle and no TypeScript or dev dependency', () => {
    const pkg = join(dir, 'node_modules', 'glidepath');
    expect(existsSync(join(pkg, 'dist', 'glidepath.mjs'))).toBe(true);
    expect(existsSync(join(pkg, 'cli', 'main.ts'))).toBe(false);
    for (const dev of ['tsx', 'typescript', 'vitest', 'esbuild']) expect(existsSync(join(dir, 'node_modules', dev)), dev).toBe(false);
  });

  it('prints its help', () => {
    const out = glidepath(['--help']);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('Usage: glidepath');
    expect(out.stdout).toMatch(/deploy/);
  });

  it('plans', () => {
    const out = glidepath(['plan', '--strategy', 'Linear10PercentEvery1Minute', '--json']);
    expect(out.status).toBe(0);
    const plan = JSON.parse(out.stdout) as { steps: unknown[]; strategy: string };
    expect(plan.strategy).toBe('Linear10PercentEvery1Minute');
    expect(plan.steps).toHaveLength(19);
  });

  it('runs the local engine until SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'local', 'up', '--port', '0'], { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`local up printed nothing in 30 s: ${stderr}`)), 30_000);
      child.stdout.on('data', () => {
        if (/GLIDEPATH_STATE_MACHINE_ARN=/.test(stdout)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('close', (code) => reject(new Error(`local up exited with ${code}: ${stderr}`)));
    });
    expect(stdout).toMatch(/export AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:\d+/);
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  }, 60_000);

  it('runs the demo: a deployment rolled back by an alarm, on the bundled handlers', () => {
    const out = glidepath(['demo'], 120_000);
    expect(out.stderr).not.toMatch(/Error|warning/i);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/RolledBack/);
    expect(out.stdout).toMatch(/Alias live serves version 2/);
  }, 150_000);
});
