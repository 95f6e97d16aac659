/**
 * Publishing a deployment's state change without letting EventBridge decide the
 * deployment's fate: a failed publish is noted (logged) and the deployment goes on.
 */
import { nowIso } from '../core/clock.ts';
import type { DeploymentRecord } from '../core/model/record.ts';
import type { Clients } from '../aws/clients.ts';
import { publishStateChange, type DeploymentStateChange } from '../aws/events.ts';
import type { HandlerEnv, Notes } from './env.ts';

export function stateChangeOf(record: DeploymentRecord, extra: Record<string, unknown> = {}): DeploymentStateChange {
  return {
    deploymentId: record.id,
    status: record.status,
    functionName: record.functionName,
    alias: record.alias,
    currentVersion: record.currentVersion,
    targetVersion: record.targetVersion,
    weight: record.weight,
    ...(record.error ? { error: { code: String(record.error.code), message: record.error.message } } : {}),
    ...(record.executionArn ? { executionArn: record.executionArn } : {}),
    at: nowIso(),
    ...extra,
  };
}

/** Publishes; returns false (and notes why) when EventBridge could not take it. */
export async function announce(clients: Clients, env: HandlerEnv, notes: Notes, detail: DeploymentStateChange): Promise<boolean> {
  try {
    await publishStateChange(clients.events, env.eventBusName, detail);
    return true;
  } catch (error) {
    notes.warn('state change event not published', {
      deploymentId: detail.deploymentId,
      status: detail.status,
      error: error instanceof Error ? error.message : String(error),
    });
    return false;
  }
}
