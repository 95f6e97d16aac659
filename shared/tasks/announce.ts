/**
 * Publishing a deployment's state change without letting the event bus decide the
 * deployment's fate: a failed publish is logged and the deployment goes on.
 */
import { errorMessage } from '../core/errors.ts';
import type { DeploymentStateChange, EventBus } from '../core/ports/event-bus.ts';
import type { Log } from '../core/ports/log.ts';

/** Publishes; returns false (and logs why) when the bus could not take it. */
export async function announce(ports: { events: EventBus; log: Pick<Log, 'warn'> }, detail: DeploymentStateChange): Promise<boolean> {
  try {
    await ports.events.publish(detail);
    return true;
  } catch (error) {
    ports.log.warn('state change event not published', {
      deploymentId: detail.deploymentId,
      status: detail.status,
      error: errorMessage(error),
    });
    return false;
  }
}
