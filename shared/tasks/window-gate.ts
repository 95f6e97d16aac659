/**
 * The window gate: traffic never increases outside the deployment's windows. Before
 * a setWeight that raises the target's weight, if the request has windows and none is open, the
 * shift is not made: the step answers `wait` (the state machine waits and tries the same shift
 * again) until a window opens. Alarms and abort are still decided while it waits, so a firing
 * alarm or an operator still rolls back; pause and promote signals stay in the record and are
 * acted on after the shift.
 */
import { nowIso } from '../core/clock.ts';
import type { HealthResult, ShiftInput } from '../core/model/machine.ts';
import type { DeploymentRecord } from '../core/model/record.ts';
import { decideHealth, type AlarmObservation, type HealthPolicy } from '../core/health.ts';
import { describeWindow, isOpen, nextOpen } from '../core/windows.ts';
import { updateDeployment, type Store } from '../aws/deployment-store.ts';
import { deploymentEvent } from '../core/deployment/records.ts';

export const WINDOW_CLOSED = 'WindowClosed';

export interface WindowGateInput {
  input: ShiftInput;
  record: DeploymentRecord;
  /** The weight the step would set. */
  weight: number;
  alarms: Promise<AlarmObservation>;
  policy: HealthPolicy;
  now: number;
}

/** Pure: does this shift wait for a window? `undefined` when it may go ahead. */
export function windowHold(gate: Omit<WindowGateInput, 'alarms'> & { alarms: AlarmObservation }): HealthResult | undefined {
  const { input, record, weight, policy, now } = gate;
  const windows = record.request.windows;
  if (input.promote || weight <= record.weight || !windows || windows.length === 0 || isOpen(windows, now)) return undefined;
  const { result } = decideHealth({ cursor: input.cursor, record, alarms: gate.alarms, policy, now });
  if (result.decision === 'fail') return result;
  const opens = nextOpen(windows, now);
  const untilOpen = Math.ceil((opens - now) / 1000);
  return {
    ...(result.weight === undefined ? {} : { weight: result.weight }),
    ...(result.alarms === undefined ? {} : { alarms: result.alarms }),
    decision: 'wait',
    waitSeconds: Math.max(1, Math.min(policy.checkIntervalSeconds, untilOpen)),
    message: `outside the deployment windows (${windows.map(describeWindow).join('; ')}): holding ${record.weight}% until ${new Date(opens).toISOString()}`,
  };
}

/**
 * The gate as shift() calls it: the hold (recorded once per step as a `WindowClosed` event), or
 * `undefined` to shift now.
 */
export async function holdForWindow(store: Store, gate: WindowGateInput): Promise<HealthResult | undefined> {
  const { record, input } = gate;
  if (input.promote || gate.weight <= record.weight || !record.request.windows?.length) return undefined;
  const held = windowHold({ ...gate, alarms: await gate.alarms });
  if (!held || held.decision !== 'wait') return held;
  const noted = record.events.some((e) => e.type === WINDOW_CLOSED && e.stepIndex === input.cursor.index);
  if (!noted) {
    const at = nowIso();
    await updateDeployment(store, record.id, {
      set: { updatedAt: at },
      append: { events: [deploymentEvent(WINDOW_CLOSED, `step ${input.cursor.index}: ${held.message}`, { stepIndex: input.cursor.index }, at)] },
    });
  }
  return held;
}
