/**
 * The CLI's deployment ids: an execution name (shared/core/execution-name.ts) with a random seed,
 * so two deployments started in the same millisecond differ.
 */
import { randomUUID } from 'node:crypto';
import { executionName } from '../shared/core/execution-name.ts';

export function newDeploymentId(nowMs: number = Date.now()): string {
  return executionName(nowMs, randomUUID());
}
