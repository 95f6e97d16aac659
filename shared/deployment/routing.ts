/**
 * Where the alias should point for a weight, and moving it there safely: UpdateAlias with the
 * RevisionId Glidepath last saw; when Lambda refuses (PreconditionFailed) and the alias already
 * looks exactly like what was asked, the refused call's predecessor was our own write whose
 * answer was lost, and its revision is adopted. Anything else is someone else's change.
 */
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { DeploymentRecord } from '../model/record.ts';
import type { ShiftTarget } from '../model/machine.ts';
import { concurrentChangeOf, sameRouting, updateAlias, type AliasRef, type AliasRouting, type AliasState } from '../aws/lambda-alias.ts';

type Versions = Pick<DeploymentRecord, 'currentVersion' | 'targetVersion'>;

/** weight < 100: current with `weight`% on target; 100: target alone. Weights are integer percent. */
export function routingFor(versions: Versions, weight: number): AliasRouting {
  if (weight >= 100) return { functionVersion: versions.targetVersion, weights: {} };
  if (weight <= 0) return { functionVersion: versions.currentVersion, weights: {} };
  return { functionVersion: versions.currentVersion, weights: { [versions.targetVersion]: weight / 100 } };
}

export function aliasRef(record: Pick<DeploymentRecord, 'functionName' | 'alias'>): AliasRef {
  return { functionName: record.functionName, alias: record.alias };
}

export interface Moved {
  state: AliasState;
  /** The alias was already where we wanted it (our earlier write): its revision was adopted. */
  adopted: boolean;
}

/**
 * UpdateAlias to `desired` guarded by `revisionId`. `alsoOurs`: other routings our own earlier
 * (unrecorded) write may have left, from which the move may go on using the alias's revision.
 */
export async function moveAlias(
  lambda: LambdaClient,
  ref: AliasRef,
  desired: AliasRouting,
  revisionId: string,
  alsoOurs: readonly AliasRouting[] = [],
): Promise<Moved> {
  try {
    return { state: await updateAlias(lambda, ref, desired, revisionId), adopted: false };
  } catch (error) {
    const observed = concurrentChangeOf(error)?.observed;
    if (!observed) throw error;
    if (sameRouting(observed, desired)) return { state: observed, adopted: true };
    if (alsoOurs.some((routing) => sameRouting(observed, routing))) {
      return { state: await updateAlias(lambda, ref, desired, observed.revisionId), adopted: false };
    }
    throw error;
  }
}

import { asksForSteps } from '../core/notifications/targets.ts';

/** The facts a shift needs, carried in the state machine so a setWeight reads no record. */
export function shiftTarget(record: DeploymentRecord): ShiftTarget {
  const { alarms, alarmPolicy, windows, notifications } = record.request;
  return {
    functionName: record.functionName,
    alias: record.alias,
    currentVersion: record.currentVersion,
    targetVersion: record.targetVersion,
    ...(alarms?.length ? { alarms } : {}),
    ...(alarmPolicy ? { alarmPolicy } : {}),
    ...(windows?.length ? { windows: true as const } : {}),
    ...(asksForSteps(notifications) ? { announceSteps: true as const } : {}),
  };
}
