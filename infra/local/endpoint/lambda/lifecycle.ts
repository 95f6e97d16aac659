/**
 * A function's state and last update status, as Lambda reports them: CreateFunction leaves it
 * `Pending` (StateReasonCode `Creating`) and UpdateFunctionCode/UpdateFunctionConfiguration leave
 * `LastUpdateStatus: InProgress` for a moment; then `Active` / `Successful`, or `Failed` with a
 * reason (a package from S3 that cannot be unzipped: `InvalidZipFileException`). The moment is a
 * configurable number of seconds on the engine clock, settled whenever the function is read.
 * While it lasts an update or PublishVersion is a ResourceConflictException, as on AWS — the
 * reason scripts wait with `aws lambda wait function-active-v2` / `function-updated-v2`.
 */
import { conflict } from './names.ts';

export type FunctionState = 'Pending' | 'Active' | 'Failed' | 'Inactive';
export type UpdateStatus = 'InProgress' | 'Successful' | 'Failed';

export interface Lifecycle {
  state: FunctionState;
  stateReason?: string;
  stateReasonCode?: string;
  lastUpdateStatus?: UpdateStatus;
  lastUpdateStatusReason?: string;
  lastUpdateStatusReasonCode?: string;
  /** Engine-clock ms at which a Pending state or an InProgress update ends. */
  settlesAt?: number;
  /** Why it will fail when it settles (none: it succeeds). */
  failure?: { code: string; reason: string };
}

/** Seconds a creation or an update stays Pending / InProgress by default (engine clock). */
export const DEFAULT_TRANSITION_SECONDS = 1;

export function creating(now: number, seconds: number, failure?: Lifecycle['failure']): Lifecycle {
  return {
    state: 'Pending',
    stateReason: 'The function is being created.',
    stateReasonCode: 'Creating',
    settlesAt: now + seconds * 1000,
    ...(failure ? { failure } : {}),
  };
}

export function updating(current: Lifecycle, now: number, seconds: number, failure?: Lifecycle['failure']): Lifecycle {
  return {
    state: current.state,
    lastUpdateStatus: 'InProgress',
    lastUpdateStatusReason: 'The function is being created.',
    lastUpdateStatusReasonCode: 'Creating',
    settlesAt: now + seconds * 1000,
    ...(failure ? { failure } : {}),
  };
}

/** The lifecycle as of `now`: a transition whose time has come is over. */
export function settle(l: Lifecycle, now: number): Lifecycle {
  if (l.settlesAt === undefined || now < l.settlesAt) return l;
  if (l.state === 'Pending') {
    return l.failure
      ? { state: 'Failed', stateReason: l.failure.reason, stateReasonCode: l.failure.code, lastUpdateStatus: 'Failed', lastUpdateStatusReason: l.failure.reason, lastUpdateStatusReasonCode: l.failure.code }
      : { state: 'Active', lastUpdateStatus: 'Successful' };
  }
  return l.failure
    ? { state: l.state, lastUpdateStatus: 'Failed', lastUpdateStatusReason: l.failure.reason, lastUpdateStatusReasonCode: l.failure.code }
    : { state: l.state, lastUpdateStatus: 'Successful' };
}

/** ResourceConflictException for a change (update, publish) made before the last one is over. */
export function checkNotBusy(l: Lifecycle, arn: string): void {
  if (l.state === 'Pending') throw conflict('The operation cannot be performed at this time. The function is currently in the following state: Pending');
  if (l.lastUpdateStatus === 'InProgress') throw conflict(`The operation cannot be performed at this time. An update is in progress for resource: ${arn}`);
}

/** Invoke: refused while the function is Pending (or Failed), allowed during an update. */
export function checkInvocable(l: Lifecycle): void {
  if (l.state === 'Pending' || l.state === 'Failed') {
    throw conflict(`The operation cannot be performed at this time. The function is currently in the following state: ${l.state}`);
  }
}

/** FunctionConfiguration's members for a lifecycle. */
export function renderLifecycle(l: Lifecycle): Record<string, string> {
  return {
    State: l.state,
    ...(l.stateReason === undefined ? {} : { StateReason: l.stateReason }),
    ...(l.stateReasonCode === undefined ? {} : { StateReasonCode: l.stateReasonCode }),
    ...(l.lastUpdateStatus === undefined ? {} : { LastUpdateStatus: l.lastUpdateStatus }),
    ...(l.lastUpdateStatusReason === undefined ? {} : { LastUpdateStatusReason: l.lastUpdateStatusReason }),
    ...(l.lastUpdateStatusReasonCode === undefined ? {} : { LastUpdateStatusReasonCode: l.lastUpdateStatusReasonCode }),
  };
}
