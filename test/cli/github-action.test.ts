/**
 * action.yml run as GitHub runs a composite action: its `run:` steps in bash, with the step's
 * `env:` expressions evaluated from the inputs (defaults applied), and GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY and GITHUB_ACTION_PATH set; against a `local up` engine.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { breachUntil, eventually, lambda, putErrorsAlarm, ROOT, useLocalUp, type RunResult } from './harness.ts';

interface ActionStep {
  id?: string;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;

/** `${{ inputs.x }}` with the value given, else the input's default, else ''. Nothing else is allowed. */
function evaluate(text: string, inputs: Record<string, string>, steps: Record<string, Record<string, string>> = {}): string {
  return text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
    const inputRef = /^inputs\.([a-z-]+)$/.exec(expr);
    if (inputRef) {
      const name = inputRef[1]!;
      if (!(name in action.inputs)) throw new Error(`action.yml uses an undeclared input ${name}`);
      return inputs[name] ?? action.inputs[name]!.default ?? '';
    }
    const outputRef = /^steps\.([a-z-]+)\.outputs\.([a-z-]+)$/.exec(expr);
    if (outputRef) return steps[outputRef[1]!]?.[outputRef[2]!] ?? '';
    throw new Error(`expression the test cannot evaluate: ${expr}`);
  });
}

function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

function bash(script: string, env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface ActionRun extends RunResult {
  outputs: Record<string, string>;
  summary: string;
}

/** Runs the action's steps in order, as the runner does; stops at the first that fails. */
async function runAction(inputs: Record<string, string>, baseEnv: Record<string, string>): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'glidepath-action-'));
  const summaryFile = join(dir, 'summary.md');
  writeFileSync(summaryFile, '');
  const stepOutputs: Record<string, Record<string, string>> = {};
  let last: RunResult = { code: 0, stdout: '', stderr: '' };
  for (const [index, step] of action.runs.steps.entries()) {
    expect(step.shell).toBe('bash');
    const outputFile = join(dir, `output-${index}`);
    writeFileSync(outputFile, '');
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(String(v), inputs)]));
    last = await bash(evaluate(step.run!, inputs), {
      ...baseEnv,
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_ACTION_PATH: ROOT,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_REPOSITORY: 'acme/orders',
      GITHUB_WORKFLOW: 'deploy',
      GITHUB_RUN_ID: '4242',
      GITHUB_SHA: '0123456789abcdef',
      ...stepEnv,
    });
    if (step.id) stepOutputs[step.id] = parseOutputFile(readFileSync(outputFile, 'utf8'));
    if (last.code !== 0) break;
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs).map(([name, o]) => [name, evaluate(o.value, inputs, stepOutputs)]));
  return { ...last, outputs, summary: readFileSync(summaryFile, 'utf8') };
}

describe('the GitHub Action (action.yml)', () => {
  const local = useLocalUp(['gh-ok', 'gh-rollback']);
  const alias = (name: string) => lambda(local.up.env).send(new GetAliasCommand({ FunctionName: name, Name: 'live' }));

  it('is a composite action whose inputs cover every way in', () => {
    expect(action.runs.using).toBe('composite');
    for (const name of ['function', 'alias', 'target', 'strategy', 'template', 'appspec', 'request', 'stack', 'state-machine', 'region', 'wait', 'timeout']) {
      expect(action.inputs, name).toHaveProperty([name]);
    }
    expect(Object.keys(action.outputs).sort()).toEqual(['deployment-id', 'error-code', 'status']);
  });

  it('deploys: exit 0, outputs set, a summary with the plan, the result and the timeline', async () => {
    const run = await runAction(
      { function: 'gh-ok', alias: 'live', current: '1', target: '2', strategy: 'Canary10Percent5Minutes', local: 'true' },
      local.env,
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['deployment-id']).toMatch(/^gp-[0-9a-z]{20}$/);
    expect(run.outputs.status).toBe('Succeeded');
    expect(run.outputs['error-code']).toBe('');
    expect(run.summary).toContain(`## Glidepath \`${run.outputs['deployment-id']}\`: Succeeded`);
    expect(run.summary).toContain('| function | `gh-ok:live` |');
    expect(run.summary).toMatch(/### Plan\n\n```text\nPlan gh-ok:live {2}version 1 → 2 {2}strategy Canary10Percent5Minutes/);
    expect(run.summary).toMatch(/\| \+\d+\S* \| 10% \| WeightShifted \|/);
    expect(run.summary).toMatch(/\| result \| Succeeded in \S+: live serves version 2 \|/);
    expect(run.stdout).toMatch(/Summary\n {2}deployment/);
    expect(run.stdout).not.toMatch(/\u001b\[/);
    expect((await alias('gh-ok')).FunctionVersion).toBe('2');
  }, 90_000);

  it('a rollback: exit 1, status Failed and the error code as outputs, an error annotation', async () => {
    await putErrorsAlarm(local.up.env, 'gh-rollback-errors', 'Test/GitHub');
    const running = runAction(
      {
        function: 'gh-rollback',
        alias: 'live',
        target: '2',
        strategy: '{"steps":[{"setWeight":10},{"bake":"60m"},{"setWeight":100}]}',
        alarms: 'gh-rollback-errors',
        local: 'true',
      },
      local.env,
    );
    await eventually(async () => ((await alias('gh-rollback')).RoutingConfig?.AdditionalVersionWeights?.['2'] === 0.1 ? true : undefined), 30_000, 'canary at 10%');
    const run = await breachUntil(local.up.env, 'Test/GitHub', running);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.outputs.status).toBe('Failed');
    expect(run.outputs['error-code']).toBe('ALARM_ACTIVE');
    expect(run.outputs['deployment-id']).toMatch(/^gp-/);
    expect(run.stdout).toMatch(/^::error title=Glidepath Failed::ALARM_ACTIVE: /m);
    expect(run.summary).toContain('| error | `ALARM_ACTIVE`');
    expect(run.summary).toMatch(/RolledBack/);
    expect((await alias('gh-rollback')).FunctionVersion).toBe('1');
  }, 90_000);

  it('bad input: exit 2 naming the field, status Rejected, nothing started', async () => {
    const missing = await runAction({ function: 'gh-ok', alias: 'live', strategy: 'AllAtOnce', local: 'true' }, local.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: --target: is required/m);
    expect(missing.outputs).toEqual({ 'deployment-id': '', status: 'Rejected', 'error-code': 'INVALID_REQUEST' });
    expect(missing.summary).toContain('## Glidepath: deployment not started');
    expect(missing.summary).toContain('--target: is required');

    const wait = await runAction({ function: 'gh-ok', alias: 'live', target: '2', strategy: 'AllAtOnce', wait: 'soon', local: 'true' }, local.env);
    expect(wait.code).toBe(2);
    expect(wait.stderr).toMatch(/^error: wait: must be true or false, got soon/m);
    expect(wait.outputs.status).toBe('Rejected');
  }, 60_000);
});
