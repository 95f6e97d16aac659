/** The CLI's text views: timeline chart, live redraw, NO_COLOR, deployment ids. */
import { describe, expect, it } from 'vitest';
import { newDeploymentId } from '../../cli/deployment-id.ts';
import { DEPLOYMENT_ID_PATTERN, executionArn, executionNameTime } from '../../shared/core/execution-name.ts';
import { exitCodeForStatus, exitCodeFor, EXIT_CODES } from '../../cli/exit-codes.ts';
import type { CliIO } from '../../cli/context.ts';
import type { DeploymentSnapshot } from '../../cli/snapshot.ts';
import { displayFor, liveView, LiveDisplay, PlainDisplay } from '../../cli/view/display.ts';
import { describeStep } from '../../cli/view/describe.ts';
import { renderPlanTable } from '../../cli/view/plan-table.ts';
import { plainLine, progressLine, renderSnapshot, weightBar } from '../../cli/view/render.ts';
import { COLOUR_STYLE, PLAIN_STYLE, stripAnsi, styleFor } from '../../cli/view/style.ts';
import { renderTimeline } from '../../cli/view/timeline.ts';
import { DeploymentNotFoundError, ValidationError } from '../../shared/core/errors.ts';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function snapshot(over: Partial<DeploymentSnapshot> = {}): DeploymentSnapshot {
  return {
    id: 'gp-01jabcdefghjkmnpqrst',
    executionArn: 'arn:aws:states:us-east-1:000000000000:execution:m:gp-01jabcdefghjkmnpqrst',
    executionStatus: 'RUNNING',
    status: 'InProgress',
    done: false,
    functionName: 'orders',
    alias: 'live',
    currentVersion: '1',
    targetVersion: '2',
    strategy: 'Canary10Percent5Minutes',
    weight: 10,
    stepIndex: 1,
    stepCount: 3,
    step: { bake: 300 },
    steps: [{ setWeight: 10 }, { bake: 300 }, { setWeight: 100 }],
    nextStepInSeconds: 192,
    alarms: [{ name: 'orders-errors', state: 'OK' }],
    hooks: [{ lifecycleEvent: 'BeforeAllowTraffic', hook: 'smoke', status: 'Succeeded' }],
    verdicts: [],

    weights: [
      { at: at(0), weight: 0 },
      { at: at(1), weight: 10 },
    ],
    events: [{ at: at(1), type: 'Shifted', message: 'weight 10%' }],
    createdAt: at(0),
    readAt: at(108),
    ...over,
  };
}

function fakeIO(isTTY: boolean, env: Record<string, string> = {}): CliIO & { out: string } {
  const io = {
    out: '',
    stdout: { isTTY, columns: 120, write: (t: string) => ((io.out += t), true) },
    stderr: { write: () => true },
    env,
    cwd: '/',
  };
  return io;
}

describe('deployment ids', () => {
  it('are gp- + sortable time + random, and sort by time', () => {
    const a = newDeploymentId(T0);
    const b = newDeploymentId(T0 + 1);
    expect(a).toMatch(DEPLOYMENT_ID_PATTERN);
    expect(a < b).toBe(true);
    expect(executionNameTime(a)).toBe(T0);
    expect(newDeploymentId(T0)).not.toBe(a);
    expect(a.length).toBeLessThanOrEqual(80);
  });

  it('name the execution: its ARN is the state machine ARN with execution and the name', () => {
    expect(executionArn('arn:aws:states:eu-west-1:123456789012:stateMachine:glidepath', 'gp-x')).toBe('arn:aws:states:eu-west-1:123456789012:execution:glidepath:gp-x');
  });
});

describe('exit codes', () => {
  it('map outcomes and errors', () => {
    expect(exitCodeForStatus('Succeeded')).toBe(0);
    expect(exitCodeForStatus('Failed')).toBe(1);
    expect(exitCodeForStatus('Stopped')).toBe(EXIT_CODES.stopped);
    expect(exitCodeForStatus('InProgress')).toBe(EXIT_CODES.timeout);
    expect(exitCodeFor(new ValidationError('INVALID_REQUEST', '--target', 'is required'))).toBe(2);
    expect(exitCodeFor(new DeploymentNotFoundError('gp-x'))).toBe(3);
    expect(exitCodeFor(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(5);
  });
});

describe('live view', () => {
  it('shows the weight bar, step n of m, time to next step, alarms and hooks', () => {
    const lines = renderSnapshot(snapshot(), PLAIN_STYLE).join('\n');
    expect(lines).toContain(`InProgress ${weightBar(10)}  10% on version 2`);
    expect(weightBar(10)).toBe(`${'█'.repeat(4)}${'░'.repeat(36)}`);
    expect(lines).toContain('step 2 of 3: bake 5m — next step in 3m12s');
    expect(lines).toContain('alarms  orders-errors OK');
    expect(lines).toContain('hooks   BeforeAllowTraffic smoke Succeeded');
  });

  it('an ended bridge deployment with CodeDeploy not yet told says so, above the outcome', () => {
    const owed = { status: 'Succeeded' as const, since: at(60), attempts: 4, nextAt: at(600), lastError: 'THROTTLED: codedeploy was throttled' };
    const ended = snapshot({ executionStatus: 'SUCCEEDED', status: 'Succeeded', done: true, weight: 100, stepIndex: 3, endedAt: at(60), codeDeployReport: owed });
    const lines = renderSnapshot(ended, PLAIN_STYLE);
    expect(lines.at(-2)).toBe(`CodeDeploy not yet told Succeeded: 4 tries, next at ${at(600)}; last error: THROTTLED: codedeploy was throttled`);
    expect(lines.at(-1)).toMatch(/^Succeeded/);
    expect(plainLine(ended)).toContain('CodeDeploy not yet told (4 tries)');
    expect(renderSnapshot({ ...ended, codeDeployReport: undefined }, PLAIN_STYLE).join('\n')).not.toContain('CodeDeploy');
  });

  it('redraws in place on a terminal (cursor up, clear) and honours NO_COLOR', () => {
    const io = fakeIO(true);
    const live = new LiveDisplay(io);
    live.update(snapshot());
    const first = io.out;
    live.update(snapshot({ weight: 100, stepIndex: 2 }));
    const lineCount = first.split('\n').length - 1;
    expect(io.out.slice(first.length)).toMatch(new RegExp(`^\\u001b\\[${lineCount}F\\u001b\\[0J`));
    expect(first).toMatch(/\u001b\[3\dm/);
    expect(styleFor(fakeIO(true, { NO_COLOR: '1' }))).toBe(PLAIN_STYLE);
    expect(styleFor(fakeIO(true))).toBe(COLOUR_STYLE);
    expect(styleFor(fakeIO(false))).toBe(PLAIN_STYLE);
  });

  it('prints one plain line per change off a terminal, not one per poll', () => {
    const io = fakeIO(false);
    const plain = new PlainDisplay(io);
    plain.update(snapshot());
    plain.update(snapshot({ nextStepInSeconds: 100 }));
    plain.update(snapshot({ weight: 100, stepIndex: 2, step: { setWeight: 100 } }));
    const lines = io.out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('+1s       10%  Shifted weight 10%');
    expect(lines[1]).toBe(`+1m48s   ${plainLine(snapshot())}`);
    expect(lines[2]).toContain('weight 100%  step 3/3 setWeight 100%');
    expect(io.out).not.toMatch(/\u001b/);
  });

  it('ends with a summary block whose last line is the outcome, with no escape code even on a terminal', () => {
    const io = fakeIO(true, { CI: 'true' });
    const display = displayFor(io, 'human');
    expect(display).toBeInstanceOf(PlainDisplay);
    const ended = snapshot({
      status: 'Failed',
      done: true,
      weight: 0,
      executionStatus: 'FAILED',
      error: { code: 'ALARM_ACTIVE', message: 'alarm orders-errors is in ALARM' },
      weights: [
        { at: at(0), weight: 0 },
        { at: at(1), weight: 10 },
        { at: at(40), weight: 0 },
      ],
      events: [
        { at: at(1), type: 'WeightShifted', message: 'step 0: 10% on version 2' },
        { at: at(40), type: 'RolledBack', message: 'version 1 takes all traffic' },
      ],
      endedAt: at(41),
      alarms: [{ name: 'orders-errors', state: 'ALARM' }],
    });
    display.finish(ended);
    const lines = io.out.trimEnd().split('\n');
    expect(lines[0]).toBe('+1s       10%  WeightShifted step 0: 10% on version 2');
    expect(lines[1]).toBe('+40s       0%  RolledBack version 1 takes all traffic');
    const summary = lines.slice(lines.indexOf('Summary'));
    expect(summary).toContain('  status      Failed (ALARM_ACTIVE)');
    expect(summary).toContain('  took        41s');
    expect(summary).toContain('  alarm       orders-errors: ALARM');
    expect(summary.at(-1)).toBe('Failed after 41s (ALARM_ACTIVE): alarm orders-errors is in ALARM — live serves version 1');
    expect(io.out).not.toMatch(/\u001b/);
  });

  it('is redrawn live only on a terminal outside CI and without NO_COLOR', () => {
    expect(liveView(fakeIO(true))).toBe(true);
    expect(liveView(fakeIO(false))).toBe(false);
    expect(liveView(fakeIO(true, { CI: 'true' }))).toBe(false);
    expect(liveView(fakeIO(true, { NO_COLOR: '1' }))).toBe(false);
  });
});

describe('step words (one vocabulary for the plan table and the live view)', () => {
  const until = '2026-01-31T09:00:00Z';
  const forms: [string, { duration?: number; until?: string; untilWindow?: boolean }, string][] = [
    ['{}: an operator resumes it', {}, 'pause (waits for `glidepath resume`)'],
    ['{duration}: that long', { duration: 600 }, 'pause 10m'],
    ['{until}: that time', { until }, `pause until ${until}`],
    ['{untilWindow}: the window opening', { untilWindow: true }, 'pause until a window opens'],
    ['{until, untilWindow}: a window at or after the time', { until, untilWindow: true }, `pause until a window opens at or after ${until}`],
    ['{until, duration}: the time, at least that long', { until, duration: 90 }, `pause until ${until}, for at least 1m30s`],
    ['{untilWindow, duration}: the window, at least that long', { untilWindow: true, duration: 3600 }, 'pause until a window opens, for at least 1h'],
  ];

  it.each(forms)('a pause %s', (_what, pause, text) => {
    expect(describeStep({ pause })).toBe(text);
  });

  it.each(forms)('the live view, status and the plan table say the same for a pause %s', (_what, pause, text) => {
    const live = snapshot({ stepIndex: 1, step: { pause }, steps: [{ setWeight: 10 }, { pause }, { setWeight: 100 }], nextStepInSeconds: undefined });
    expect(progressLine(live)).toBe(`step 2 of 3: ${text}`);
    expect(renderSnapshot(live, PLAIN_STYLE)).toContain(`step 2 of 3: ${text}`);
    expect(plainLine(live)).toContain(`step 2/3 ${text}`);
    const table = renderPlanTable({ strategy: 'custom', steps: [{ setWeight: 10 }, { pause }, { setWeight: 100 }], totalBakeSeconds: 0 } as never, PLAIN_STYLE);
    expect(table).toMatch(new RegExp(`\\n\\s*2  ${text.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&')}\\s+10%`));
  });

  it('a timed pause never says it waits for glidepath resume', () => {
    for (const [, pause] of forms.filter(([, p]) => p.until !== undefined || p.untilWindow === true)) {
      expect(describeStep({ pause })).not.toMatch(/resume/);
    }
  });

  it('names the other steps', () => {
    expect(describeStep({ setWeight: 25 })).toBe('setWeight 25%');
    expect(describeStep({ bake: 3900 })).toBe('bake 1h5m');
    expect(describeStep({ hook: 'smoke' })).toBe('hook smoke');
    expect(describeStep({ approval: {} })).toBe('approval (waits for approve)');
    expect(describeStep(undefined)).toBe('');
  });
});

describe('timeline', () => {
  it('draws weight over time with the events marked and listed', () => {
    const lines = renderTimeline(
      {
        id: 'gp-x',
        createdAt: at(0),
        endedAt: at(302),
        weights: [
          { at: at(0), weight: 0 },
          { at: at(2), weight: 10 },
          { at: at(302), weight: 100 },
        ],
        events: [
          { at: at(2), type: 'Shifted', message: 'weight 10%' },
          { at: at(302), type: 'Succeeded', message: 'done' },
        ],
      },
      PLAIN_STYLE,
      { width: 50 },
    );
    const rows = lines.slice(0, 10);
    expect(rows[0]).toMatch(/^100% ┤ {49}█$/);
    expect(rows[9]).toMatch(/^ 10% ┤█{50}$/);
    expect(rows[5]).toMatch(/^ 50% ┤ {49}█$/);
    expect(lines[10]).toBe(`     └${'─'.repeat(50)}`);
    expect(lines[11]).toMatch(/^ {6}0s +2m31s +5m2s$/);
    expect(lines[12]).toMatch(/^ {6}1 {48}2$/);
    expect(lines[13]).toBe('  1     2s  Shifted weight 10%');
    expect(lines[14]).toBe('  2   5m2s  Succeeded done');
  });

  it('shows a brief canary even when it is shorter than a column', () => {
    const lines = renderTimeline(
      {
        id: 'gp-y',
        createdAt: at(0),
        endedAt: at(600),
        weights: [
          { at: at(0), weight: 0 },
          { at: at(300), weight: 10 },
          { at: at(301), weight: 0 },
        ],
        events: [],
      },
      COLOUR_STYLE,
      { width: 40 },
    ).map(stripAnsi);
    expect(lines[9]!.replace(/^ 10% ┤/, '')).toMatch(/^ {20}█$/);
  });
});
