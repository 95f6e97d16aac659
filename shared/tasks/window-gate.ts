/**
 * The window gate: traffic never increases outside the deployment's windows. Before a setWeight
 * that raises the target's weight, if the request has windows and none is open, the shift is not
 * made: the step answers `wait` until a window opens. Alarms and abort are still decided while it
 * waits, so a firing alarm or an operator still rolls back; pause and promote signals stay in the
 * record and are acted on after the shift. The decision is pure (shared/core/windows.ts); this
 * records it once per step as a `WindowClosed` event (the record's `windowHeldStep` says it was).
 */
import type { HealthResult, ShiftInput } from '../core/model/machine.ts';
import type { DeploymentRecord } from '../core/model/record.ts';
import { windowHold, WINDOW_CLOSED } from '../core/window-hold.ts';
import type { AlarmObservation, HealthPolicy } from '../core/health.ts';
import type { DeploymentStore } from '../core/ports/deployment-store.ts';
import { deploymentEvent } from '../core/deployment/records.ts';

export interface WindowGateInput {
  input: ShiftInput;
  record: DeploymentRecord;
  /** The weight the step would set. */
  weight: number;
  alarms: Promise<AlarmObservation>;
  policy: HealthPolicy;
  now: number;
}

/** The hold, or `undefined` to shift now. */
export async function holdForWindow(store: Pick<DeploymentStore, 'update'>, gate: WindowGateInput): Promise<HealthResult | undefined> {
  const { record, input } = gate;
  if (input.promote || gate.weight <= record.weight || !record.request.windows?.length) return undefined;
  const held = windowHold({ ...gate, alarms: await gate.alarms });
  if (!held || held.decision !== 'wait') return held;
  if (record.windowHeldStep !== input.cursor.index) {
    const at = new Date(gate.now).toISOString();
    await store.update(record.id, {
      set: { updatedAt: at, windowHeldStep: input.cursor.index },
      append: { events: [deploymentEvent(WINDOW_CLOSED, `step ${input.cursor.index}: ${held.message}`, { stepIndex: input.cursor.index }, at)] },
    });
  }
  return held;
}
