/**
 * Time in the health decision: pauses `until` a time or a window (shared/core/timed-pause.ts through
 * shared/core/health.ts) and the window gate before a shift (shared/tasks/window-gate.ts).
 */
import { describe, expect, it } from 'vitest';
import { decideHealth, type HealthPolicy } from '../../../shared/core/health.ts';
import { pauseRemainingSeconds } from '../../../shared/core/timed-pause.ts';
import { windowHold } from '../../../shared/core/window-hold.ts';
import type { DeploymentRecord } from '../../../shared/core/model/record.ts';
import type { DeploymentWindow } from '../../../shared/core/model/request.ts';

const policy: HealthPolicy = { ignorePollAlarmFailure: false, enabled: true };
const t0 = Date.parse('2026-11-24T08:00:00Z'); // Tuesday
const nineToFive: DeploymentWindow[] = [{ start: '09:00', end: '17:00' }];

describe('pauseRemainingSeconds', () => {
  it('counts down to `until`, to the next window, or both', () => {
    expect(pauseRemainingSeconds({ pause: { until: '2026-11-24T08:05:00Z' } }, undefined, t0)).toBe(300);
    expect(pauseRemainingSeconds({ pause: { until: '2026-11-24T07:00:00Z' } }, undefined, t0)).toBe(0);
    expect(pauseRemainingSeconds({ pause: { untilWindow: true } }, nineToFive, t0)).toBe(3600);
    expect(pauseRemainingSeconds({ pause: { until: '2026-11-24T17:30:00Z', untilWindow: true } }, nineToFive, t0)).toBe(25 * 3600);
    expect(pauseRemainingSeconds({ pause: { duration: 60 } }, nineToFive, t0)).toBeUndefined();
    expect(pauseRemainingSeconds({ bake: 60 }, nineToFive, t0)).toBeUndefined();
  });
});

describe('decideHealth with timed pauses', () => {
  const record = { signals: {}, stepStartedAt: new Date(t0).toISOString(), weight: 10 };
  const decide = (step: object, now: number, windows?: DeploymentWindow[]) =>
    decideHealth({ cursor: { index: 2, step: step as never }, record, alarms: { status: 'none' }, policy, now, ...(windows ? { windows } : {}) }).result;

  it('waits for `until`, then goes on', () => {
    expect(decide({ pause: { until: '2026-11-24T08:00:25Z' } }, t0)).toMatchObject({ decision: 'wait', waitSeconds: 10 });
    expect(decide({ pause: { until: '2026-11-24T08:00:25Z' } }, t0 + 20_000)).toMatchObject({ decision: 'wait', waitSeconds: 5 });
    expect(decide({ pause: { until: '2026-11-24T08:00:25Z' } }, t0 + 25_000)).toMatchObject({ decision: 'next' });
  });

  it('waits for a window, then goes on', () => {
    expect(decide({ pause: { untilWindow: true } }, t0, nineToFive)).toMatchObject({ decision: 'wait', waitSeconds: 10 });
    expect(decide({ pause: { untilWindow: true } }, t0 + 3600_000, nineToFive)).toMatchObject({ decision: 'next' });
  });

  it('still fails on an alarm or an abort while it waits', () => {
    const alarms = { status: 'read' as const, alarms: [{ name: 'errors', state: 'ALARM' }], missing: [] };
    expect(decideHealth({ cursor: { index: 2, step: { pause: { untilWindow: true } } }, record, alarms, policy, now: t0, windows: nineToFive }).result).toMatchObject({ decision: 'fail', code: 'ALARM_ACTIVE' });
  });
});

describe('windowHold', () => {
  const record = (weight: number, windows?: DeploymentWindow[], signals = {}) =>
    ({ id: 'gp-x', weight, signals, events: [], request: { functionName: 'f', alias: 'live', targetVersion: '2', strategy: 'AllAtOnce', ...(windows ? { windows } : {}) } }) as unknown as DeploymentRecord;
  const hold = (r: DeploymentRecord, weight: number, now: number, extra: { promote?: true; alarms?: object } = {}) =>
    windowHold({
      input: { cursor: { index: 0, step: { setWeight: weight } }, ...(extra.promote ? { promote: true } : {}) },
      record: r,
      weight,
      alarms: (extra.alarms ?? { status: 'none' }) as never,
      policy,
      now,
    });

  it('holds a shift that raises traffic outside the windows, up to the next check or the opening', () => {
    expect(hold(record(0, nineToFive), 10, t0)).toMatchObject({ decision: 'wait', waitSeconds: 10, weight: 0 });
    expect(hold(record(0, nineToFive), 10, t0 + 3600_000 - 3_000)).toMatchObject({ decision: 'wait', waitSeconds: 3 });
    expect(hold(record(0, nineToFive), 10, t0)!.message).toMatch(/outside the deployment windows \(09:00–17:00 UTC\): holding 0% until 2026-11-24T09:00:00.000Z/);
  });

  it('lets a shift go inside a window, without windows, when it does not raise traffic, and for promote', () => {
    expect(hold(record(0, nineToFive), 10, t0 + 3600_000)).toBeUndefined();
    expect(hold(record(0), 10, t0)).toBeUndefined();
    expect(hold(record(50, nineToFive), 50, t0)).toBeUndefined();
    expect(hold(record(50, nineToFive), 100, t0, { promote: true })).toBeUndefined();
  });

  it('rolls back on an alarm or an abort while it holds, and keeps holding over pause or promote', () => {
    const alarms = { status: 'read', alarms: [{ name: 'errors', state: 'ALARM' }], missing: [] };
    expect(hold(record(0, nineToFive), 10, t0, { alarms })).toMatchObject({ decision: 'fail', code: 'ALARM_ACTIVE' });
    expect(hold(record(0, nineToFive, { abort: '2026-11-24T08:00:00Z' }), 10, t0)).toMatchObject({ decision: 'fail', code: 'MANUAL_STOP' });
    expect(hold(record(0, nineToFive, { promoteFull: '2026-11-24T08:00:00Z' }), 10, t0)).toMatchObject({ decision: 'wait' });
    expect(hold(record(0, nineToFive, { pause: '2026-11-24T08:00:00Z' }), 10, t0)).toMatchObject({ decision: 'wait' });
  });
});
