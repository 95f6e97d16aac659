/**
 * Which notification event a Glidepath state change is (docs/notifications.md). The controller
 * publishes a state change (`source: glidepath`, shared/aws/events.ts) when a deployment starts,
 * takes a step (when asked to), is held by an operator, is resumed and ends; the deployment's
 * record tells a rollback from a failure that moved nothing.
 */
import { z } from 'zod';
import type { NotificationEvent } from '../model/request.ts';

/** The `detail` of a `Glidepath Deployment State Change` event, as far as notifications read it. */
export const stateChangeSchema = z.looseObject({
  deploymentId: z.string().min(1),
  status: z.string().min(1),
  functionName: z.string().min(1),
  alias: z.string().min(1),
  currentVersion: z.string().optional(),
  targetVersion: z.string().optional(),
  weight: z.number().optional(),
  error: z.looseObject({ code: z.string(), message: z.string() }).optional(),
  executionArn: z.string().optional(),
  at: z.string(),
  /** What happened, when the status alone does not say: `started`, `step`. */
  change: z.string().optional(),
  stepIndex: z.number().int().optional(),
  stepCount: z.number().int().optional(),
});

export type StateChange = z.infer<typeof stateChangeSchema>;

/** What of the deployment's record the decision needs. */
export interface RecordFacts {
  /** Set when Rollback put the alias back (shared/tasks/rollback.ts). */
  rolledBackAt?: string;
}

/** The notification event of a state change; undefined for changes nobody is notified of (a resume). */
export function notificationEventOf(change: StateChange, record: RecordFacts | undefined): NotificationEvent | undefined {
  if (change.change === 'started') return 'started';
  if (change.change === 'step') return 'step';
  switch (change.status) {
    case 'Paused':
      return 'paused';
    case 'Succeeded':
      return 'succeeded';
    case 'Failed':
    case 'Stopped':
      return record?.rolledBackAt ? 'rolledBack' : 'failed';
    default:
      return undefined;
  }
}
