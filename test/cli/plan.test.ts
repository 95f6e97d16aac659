import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import type { CliIO } from '../../cli/context.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ESC = '\u001b[';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node cli/bin.mjs …` as a real process, stdout and stderr being pipes (not a terminal). */
function glidepath(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const { NO_COLOR: _drop, ...inherited } = process.env;
    execFile(
      process.execPath,
      ['cli/bin.mjs', ...args],
      { cwd: root, env: { ...inherited, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const fixture = (path: string) => `test/fixtures/${path}`;

describe('glidepath plan (spawned)', () => {
  it('prints the plan of the issue as JSON with --json', async () => {
    const run = await glidepath(['plan', '--strategy', 'Canary10Percent5Minutes', '--function', 'orders', '--alias', 'live', '--current', '7', '--target', '8', '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      functionName: 'orders',
      alias: 'live',
      currentVersion: '7',
      targetVersion: '8',
      strategy: 'Canary10Percent5Minutes',
      steps: [{ setWeight: 10 }, { bake: 300 }, { setWeight: 100 }],
      totalBakeSeconds: 300,
    });
  });

  it('prints a table with each step, its weight, the time it happens and the total, without colour on a pipe', async () => {
    const run = await glidepath(['plan', '--strategy', '{"type":"TimeBasedLinear","percentage":30,"intervalMinutes":2}', '--function', 'orders', '--alias', 'live']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain(ESC);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('Plan orders:live  strategy TimeBasedLinear30PercentEvery2Minutes');
    const rows = lines.filter((line) => /^\s*\d+\s/.test(line)).map((line) => line.trim().split(/\s{2,}/));
    expect(rows).toEqual([
      ['1', 'setWeight 30%', '30%', '0s'],
      ['2', 'bake 2m', '30%', '0s'],
      ['3', 'setWeight 60%', '60%', '2m'],
      ['4', 'bake 2m', '60%', '2m'],
      ['5', 'setWeight 90%', '90%', '4m'],
      ['6', 'bake 2m', '90%', '4m'],
      ['7', 'setWeight 100%', '100%', '6m'],
    ]);
    expect(run.stdout).toContain('Total 6m');
  });

  it('plans a custom step list with waits, marking times after them as lower bounds', async () => {
    const strategy = JSON.stringify({ steps: [{ setWeight: 5 }, { bake: '10m' }, { approval: {} }, { setWeight: 50 }, { bake: '30m' }] });
    const run = await glidepath(['plan', '--strategy', strategy]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/approval \(waits for approve\)\s+5%\s+10m/);
    expect(run.stdout).toMatch(/setWeight 100%\s+100%\s+≥ 40m/);
    expect(run.stdout).toContain('Total ≥ 40m');
  });

  it('reads an AppSpec and takes the strategy from --strategy', async () => {
    const run = await glidepath(['plan', '--appspec', fixture('appspec/valid.yaml'), '--strategy', 'CodeDeployDefault.LambdaCanary10Percent30Minutes', '--json']);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan).toMatchObject({ functionName: 'orders-api', alias: 'live', currentVersion: '7', targetVersion: '8', strategy: 'Canary10Percent30Minutes', totalBakeSeconds: 1800 });
    expect(plan.hooks.beforeAllowTraffic).toBe('orders-pre-traffic-check');
  });

  it('plans AllAtOnce for an AppSpec without --strategy, and says so', async () => {
    const run = await glidepath(['plan', '--appspec', fixture('appspec/valid.json'), '--json']);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan.strategy).toBe('AllAtOnce');
    expect(plan.warnings).toEqual([expect.stringContaining('--strategy was not given')]);
  });

  it('reads a SAM template; without --current/--target the plan has no versions', async () => {
    const run = await glidepath(['plan', '--template', fixture('sam/template.yaml'), '--function', 'OrdersFunction', '--json']);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan).toEqual({
      functionName: 'orders-api',
      alias: 'live',
      strategy: 'Canary10Percent5Minutes',
      steps: [{ setWeight: 10 }, { bake: 300 }, { setWeight: 100 }],
      hooks: { beforeAllowTraffic: 'CodeDeployHook_orders-pre-traffic', afterAllowTraffic: 'PostTrafficHook' },
      alarms: ['orders-5xx', 'OrdersLatencyAlarm', 'shared-dependency-errors'],
      totalBakeSeconds: 300,
    });
  });

  it('takes versions from flags for a SAM template', async () => {
    const run = await glidepath(['plan', '--template', fixture('sam/template.yaml'), '--function', 'PaymentsFunction', '--current', '3', '--target', '4', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ functionName: 'PaymentsFunction', alias: 'prod', currentVersion: '3', targetVersion: '4', totalBakeSeconds: 540 });
  });

  it('rejects percentage 150 with exit code 2, one line on stderr and the error object on stdout', async () => {
    const run = await glidepath(['plan', '--strategy', '{"type":"TimeBasedCanary","percentage":150,"intervalMinutes":5}', '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('error: strategy.percentage: must be an integer from 1 to 99, got 150\n');
    expect(JSON.parse(run.stdout)).toEqual({
      error: {
        code: 'INVALID_DEPLOYMENT_CONFIG',
        field: 'strategy.percentage',
        message: 'strategy.percentage: must be an integer from 1 to 99, got 150',
      },
    });
  });

  it('without --json an error writes nothing on stdout', async () => {
    const run = await glidepath(['plan', '--strategy', 'Canary5Percent5Minutes']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^error: strategy: must be one of Canary10Percent5Minutes, .*got "Canary5Percent5Minutes"\n$/);
  });

  it('rejects $LATEST as INVALID_REVISION', async () => {
    const run = await glidepath(['plan', '--strategy', 'AllAtOnce', '--function', 'orders', '--alias', 'live', '--target', '$LATEST', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'INVALID_REVISION', field: 'targetVersion' });
  });

  it('rejects an invalid AppSpec naming the field in the file', async () => {
    const run = await glidepath(['plan', '--appspec', fixture('appspec/invalid-latest.yaml'), '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).error).toEqual({
      code: 'INVALID_REVISION',
      field: 'Resources[0].ordersApi.Properties.TargetVersion',
      message: 'Resources[0].ordersApi.Properties.TargetVersion: must be a published version, never $LATEST, got "$LATEST"',
    });
  });

  it('reports a disabled preference and a custom Type without --strategy', async () => {
    const disabled = await glidepath(['plan', '--template', fixture('sam/template.yaml'), '--function', 'SwitchedOffFunction']);
    expect(disabled.code).toBe(2);
    expect(disabled.stderr).toContain('DeploymentPreference.Enabled: is false: the deployment preference is disabled');
    const custom = await glidepath(['plan', '--template', fixture('sam/template.yaml'), '--function', 'ReportsFunction', '--json']);
    expect(custom.code).toBe(2);
    expect(JSON.parse(custom.stdout).error.field).toBe('Resources.ReportsFunction.Properties.DeploymentPreference.Type');
  });

  it('rejects missing and conflicting flags, unreadable files and bad JSON with exit code 2', async () => {
    const none = await glidepath(['plan']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('error: strategy: is required: give --strategy, --appspec, --template or --serverless\n');
    const both = await glidepath(['plan', '--appspec', 'a.yaml', '--template', 'b.yaml']);
    expect(both.stderr).toBe('error: --template: cannot be combined with --appspec: give one source\n');
    const noFunction = await glidepath(['plan', '--template', fixture('sam/template.yaml')]);
    expect(noFunction.stderr).toContain('--function: is required with --template');
    const missing = await glidepath(['plan', '--appspec', 'no/such/file.yaml', '--json']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout).error).toMatchObject({ code: 'INVALID_REQUEST', field: '--appspec' });
    const badJson = await glidepath(['plan', '--strategy', '{"steps":', '--json']);
    expect(badJson.code).toBe(2);
    expect(JSON.parse(badJson.stdout).error.field).toBe('strategy');
  });

  it('exits 2 on an unknown option with one line on stderr, 0 on --help', async () => {
    const unknown = await glidepath(['plan', '--strategi', 'AllAtOnce']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toContain("unknown option '--strategi'");
    const help = await glidepath(['plan', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--template <file>');
  });
});

describe('glidepath plan (in process): colour', () => {
  function fakeIO(isTTY: boolean, env: Record<string, string | undefined>) {
    let out = '';
    let err = '';
    const io: CliIO = {
      stdout: { write: (t: string) => (out += t), isTTY },
      stderr: { write: (t: string) => (err += t), isTTY },
      env,
      cwd: root,
    };
    return { io, out: () => out, err: () => err };
  }
  const argv = ['node', 'glidepath', 'plan', '--strategy', 'Canary10Percent10Minutes'];

  it('colours a terminal', async () => {
    const t = fakeIO(true, {});
    expect(await main(argv, t.io)).toBe(0);
    expect(t.out()).toContain(ESC);
  });

  it('respects NO_COLOR on a terminal', async () => {
    const t = fakeIO(true, { NO_COLOR: '1' });
    expect(await main(argv, t.io)).toBe(0);
    expect(t.out()).not.toContain(ESC);
    expect(t.out()).toContain('setWeight 10%');
  });
});
