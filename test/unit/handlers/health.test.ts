import { describe, expect, it } from 'vitest';
import { DECISION_SIGNALS, decideHealth, healthPolicy, stepDurationSeconds, type AlarmObservation, type HealthInput } from '../../../shared/core/health.ts';
import type { ControlSignals } from '../../../shared/core/model/record.ts';

const T = Date.parse('2025-03-01T10:00:00.000Z');
const iso = (offsetSeconds: number) => new Date(T + offsetSeconds * 1000).toISOString();
const policy = { ignorePollAlarmFailure: false, enabled: true };
const ok: AlarmObservation = {
  status: 'read',
  alarms: [
    { name: 'orders-5xx', state: 'OK' },
    { name: 'orders-p99', state: 'OK' },
  ],
  missing: [],
};

function input(overrides: Partial<HealthInput> = {}): HealthInput {
  return {
    cursor: { index: 1, step: { bake: 300 } },
    record: { signals: {}, stepStartedAt: iso(0), weight: 10 },
    alarms: ok,
    policy,
    now: T + 100_000,
    ...overrides,
  };
}

describe('Function: decideHealth', () => {
  describe('time', () => {
    it('waits the time that remains (one wait, woken early by events, not a polling interval)', () => {
      const { result } = decideHealth(input());
      expect(result).toEqual({ decision: 'wait', waitSeconds: 200, weight: 10, alarms: [{ name: 'orders-5xx', state: 'OK' }, { name: 'orders-p99', state: 'OK' }] });
    });

    it('waits whole seconds, never 0 while time remains', () => {
      expect(decideHealth(input({ now: T + 296_000 })).result).toMatchObject({ decision: 'wait', waitSeconds: 4 });
      // 0.3 s left: a Wait takes whole seconds, and never 0 while time remains
      expect(decideHealth(input({ now: T + 299_700 })).result).toMatchObject({ decision: 'wait', waitSeconds: 1 });
    });

    it('is done (next) once the bake has lasted its time', () => {
      expect(decideHealth(input({ now: T + 300_000 })).result.decision).toBe('next');
      expect(decideHealth(input({ now: T + 900_000 })).result.decision).toBe('next');
    });

    it('counts a timed pause like a bake and a setWeight as done at once', () => {
      expect(decideHealth(input({ cursor: { index: 2, step: { pause: { duration: 60 } } }, now: T + 30_000 })).result).toMatchObject({
        decision: 'wait',
        waitSeconds: 30,
      });
      expect(decideHealth(input({ cursor: { index: 0, step: { setWeight: 10 } }, now: T })).result.decision).toBe('next');
    });

    it('starts the clock now when the step has no start yet', () => {
      const { result } = decideHealth(input({ record: { signals: {}, weight: 10 }, now: T }));
      expect(result).toMatchObject({ decision: 'wait', waitSeconds: 300 });
    });

    it('waits at most a year (the longest a Task waits)', () => {
      const { result } = decideHealth(input({ cursor: { index: 1, step: { bake: 40_000_000 } }, record: { signals: {}, weight: 10 }, now: T }));
      expect(result.waitSeconds).toBe(365 * 24 * 3600);
    });
  });

  describe('alarms', () => {
    it('fails with ALARM_ACTIVE naming the alarm in ALARM', () => {
      const { result } = decideHealth(
        input({ alarms: { status: 'read', alarms: [{ name: 'orders-5xx', state: 'ALARM', reason: 'Threshold Crossed' }, { name: 'orders-p99', state: 'OK' }], missing: [] } }),
      );
      expect(result).toMatchObject({ decision: 'fail', code: 'ALARM_ACTIVE' });
      expect(result.message).toBe('alarm orders-5xx is in ALARM (Threshold Crossed)');
      expect(result.alarms).toEqual([{ name: 'orders-5xx', state: 'ALARM' }, { name: 'orders-p99', state: 'OK' }]);
    });

    it('does not take INSUFFICIENT_DATA for ALARM', () => {
      const { result } = decideHealth(input({ alarms: { status: 'read', alarms: [{ name: 'orders-5xx', state: 'INSUFFICIENT_DATA' }], missing: [] } }));
      expect(result.decision).toBe('wait');
    });

    it('fails on an alarm that no longer exists unless poll failures are ignored', () => {
      const gone: AlarmObservation = { status: 'read', alarms: [{ name: 'orders-5xx', state: 'OK' }], missing: ['orders-p99'] };
      expect(decideHealth(input({ alarms: gone })).result).toMatchObject({ decision: 'fail', code: 'INVALID_ALARM_CONFIG', message: 'alarm orders-p99 does not exist' });
      expect(decideHealth(input({ alarms: gone, policy: { ...policy, ignorePollAlarmFailure: true } })).result.decision).toBe('wait');
    });

    it('fails with INTERNAL_ERROR when CloudWatch cannot be read', () => {
      const { result } = decideHealth(input({ alarms: { status: 'unreadable', message: 'cloudwatch:DescribeAlarms was throttled' } }));
      expect(result).toMatchObject({ decision: 'fail', code: 'INTERNAL_ERROR' });
      expect(result.message).toContain('throttled');
    });

    it('goes on when CloudWatch cannot be read and ignorePollAlarmFailure is set', () => {
      const { result } = decideHealth(
        input({ alarms: { status: 'unreadable', message: 'down' }, policy: { ...policy, ignorePollAlarmFailure: true } }),
      );
      expect(result).toMatchObject({ decision: 'wait', waitSeconds: 10 });
    });

    it('ignores alarms when the policy disables them', () => {
      const firing: AlarmObservation = { status: 'read', alarms: [{ name: 'orders-5xx', state: 'ALARM' }], missing: [] };
      expect(decideHealth(input({ alarms: firing, policy: { ...policy, enabled: false } })).result.decision).toBe('wait');
    });
  });

  describe('signals', () => {
    const firing: AlarmObservation = { status: 'read', alarms: [{ name: 'orders-5xx', state: 'ALARM' }], missing: [] };

    it('abort wins over everything, with MANUAL_STOP', () => {
      const { result } = decideHealth(
        input({ alarms: firing, record: { weight: 10, stepStartedAt: iso(0), signals: { abort: iso(50), promoteFull: iso(40), pause: iso(30) } } }),
      );
      expect(result).toMatchObject({ decision: 'fail', code: 'MANUAL_STOP' });
      expect(result.message).toContain(iso(50));
    });

    it('an alarm outranks a promotion', () => {
      const { result } = decideHealth(input({ alarms: firing, record: { weight: 10, stepStartedAt: iso(0), signals: { promoteFull: iso(40) } } }));
      expect(result.code).toBe('ALARM_ACTIVE');
    });

    it('promoteFull > promote > pause, and says which one-shot signal it used', () => {
      const all = { promoteFull: iso(1), promote: iso(2), pause: iso(3) };
      expect(decideHealth(input({ record: { weight: 10, signals: all } }))).toEqual(expect.objectContaining({ consumed: 'promoteFull', result: expect.objectContaining({ decision: 'promoteFull' }) }));
      const two = { promote: iso(2), pause: iso(3) };
      expect(decideHealth(input({ record: { weight: 10, signals: two } }))).toEqual(expect.objectContaining({ consumed: 'promote', result: expect.objectContaining({ decision: 'next' }) }));
      const pause = decideHealth(input({ record: { weight: 10, signals: { pause: iso(3) } } }));
      expect(pause.consumed).toBeUndefined();
      expect(pause.result).toMatchObject({ decision: 'pause', message: `paused by an operator at ${iso(3)}` });
    });

    it('DECISION_SIGNALS are exactly the signals that change a decision (a shift relies on it to skip reading them)', () => {
      const every: (keyof ControlSignals)[] = ['abort', 'promote', 'promoteFull', 'pause', 'resume', 'approve'];
      const unsignalled = decideHealth(input());
      for (const key of every) {
        const { result } = decideHealth(input({ record: { signals: { [key]: iso(5) }, stepStartedAt: iso(0), weight: 10 } }));
        if ((DECISION_SIGNALS as readonly string[]).includes(key)) expect(result, key).not.toEqual(unsignalled.result);
        else expect(result, key).toEqual(unsignalled.result);
      }
    });

    it('in the final bake a promotion ends the bake instead of promoting again', () => {
      const { result, consumed } = decideHealth(
        input({ cursor: { index: 4, step: { bake: 600 }, final: true }, record: { weight: 100, signals: { promoteFull: iso(5) } } }),
      );
      expect(result.decision).toBe('next');
      expect(consumed).toBe('promoteFull');
    });
  });
});

describe('Function: healthPolicy', () => {
  it('defaults to alarms on, poll failures fatal; the deprecated check interval has no part in it', () => {
    expect(healthPolicy({})).toEqual({ ignorePollAlarmFailure: false, enabled: true });
    expect(healthPolicy({ alarmPolicy: { checkIntervalSeconds: 30, ignorePollAlarmFailure: true, enabled: false } })).toEqual({
      ignorePollAlarmFailure: true,
      enabled: false,
    });
  });
});

describe('Function: stepDurationSeconds', () => {
  it('is the bake or the timed pause, else 0', () => {
    expect(stepDurationSeconds({ bake: 90 })).toBe(90);
    expect(stepDurationSeconds({ pause: { duration: 30 } })).toBe(30);
    expect(stepDurationSeconds({ pause: {} })).toBe(0);
    expect(stepDurationSeconds({ setWeight: 50 })).toBe(0);
    expect(stepDurationSeconds(undefined)).toBe(0);
  });
});
