/** Does a shift wait for a deployment window? A pure decision over the step, the record, the alarms and the time. */
import { decideHealth, type AlarmObservation, type HealthPolicy } from './health.ts';
import type { HealthResult, ShiftInput } from './model/machine.ts';
import type { DeploymentRecord } from './model/record.ts';
import { describeWindow, isOpen, nextOpen } from './windows.ts';
import { MAX_EXECUTION_SECONDS } from './strategies/limits.ts';

export const WINDOW_CLOSED = 'WindowClosed';

export interface WindowHoldInput {
  input: Pick<ShiftInput, 'promote' | 'cursor'>;
  record: DeploymentRecord;
  /** The weight the step would set. */
  weight: number;
  alarms: AlarmObservation;
  policy: HealthPolicy;
  now: number;
}

/** `undefined` when the shift may go ahead; a `wait` (or an alarm's `fail`) when it must not. */
export function windowHold(gate: WindowHoldInput): HealthResult | undefined {
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
    waitSeconds: Math.min(MAX_EXECUTION_SECONDS, Math.max(1, untilOpen)),
    message: `outside the deployment windows (${windows.map(describeWindow).join('; ')}): holding ${record.weight}% until ${new Date(opens).toISOString()}`,
  };
}
