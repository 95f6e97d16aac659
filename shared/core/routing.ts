/**
 * Where an alias should point, as pure decisions: the routing for a weight, whether two routings
 * are the same, and what a refused update says about the alias. The move itself is one call through the alias router
 * (shared/tasks/move-alias.ts).
 */
import { ConcurrentModificationError } from './errors.ts';
import type { DeploymentRecord } from './model/record.ts';
import type { ShiftTarget } from './model/machine.ts';
import { asksForSteps } from './notifications/targets.ts';
import type { AliasRef, AliasRouting, ConcurrentChange } from './ports/alias-router.ts';

type Versions = Pick<DeploymentRecord, 'currentVersion' | 'targetVersion'>;

const WEIGHT_TOLERANCE = 1e-9;

/** weight < 100: current with `weight`% on target; 100: target alone. Weights are integer percent. */
export function routingFor(versions: Versions, weight: number): AliasRouting {
  if (weight >= 100) return { functionVersion: versions.targetVersion, weights: {} };
  if (weight <= 0) return { functionVersion: versions.currentVersion, weights: {} };
  return { functionVersion: versions.currentVersion, weights: { [versions.targetVersion]: weight / 100 } };
}

export function aliasRef(record: Pick<DeploymentRecord, 'functionName' | 'alias'>): AliasRef {
  return { functionName: record.functionName, alias: record.alias };
}

export function describeAliasRouting(state: AliasRouting): string {
  const extra = Object.entries(state.weights)
    .filter(([, w]) => w > 0)
    .map(([version, w]) => `${Math.round(w * 10000) / 100}% on version ${version}`);
  return extra.length === 0 ? `version ${state.functionVersion} with no weights` : `version ${state.functionVersion} with ${extra.join(', ')}`;
}

/** True when two routings send the same traffic to the same versions (a zero weight counts as absent). */
export function sameRouting(a: AliasRouting, b: AliasRouting): boolean {
  if (a.functionVersion !== b.functionVersion) return false;
  const versions = new Set([...Object.keys(a.weights), ...Object.keys(b.weights)]);
  for (const version of versions) {
    if (Math.abs((a.weights[version] ?? 0) - (b.weights[version] ?? 0)) > WEIGHT_TOLERANCE) return false;
  }
  return true;
}

/** The ConcurrentChange an alias router's refusal carries, if `error` is one. */
export function concurrentChangeOf(error: unknown): ConcurrentChange | undefined {
  if (error instanceof ConcurrentModificationError && error.details && 'expectedRevisionId' in error.details) {
    return error.details as unknown as ConcurrentChange;
  }
  return undefined;
}

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
