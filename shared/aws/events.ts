/**
 * Deployment state changes as EventBridge events: source `glidepath`, detail-type
 * `Glidepath Deployment State Change`, on the bus named by EVENT_BUS_NAME (default `default`).
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GlidepathError } from '../core/errors.ts';
import { toGlidepathError } from './sdk-errors.ts';
import type { DeploymentStateChange, EventBus } from '../core/ports/event-bus.ts';

export const EVENT_SOURCE = 'glidepath';
export const EVENT_DETAIL_TYPE = 'Glidepath Deployment State Change';

/** Publishes one state change; throws a GlidepathError if EventBridge refuses it. */
export async function publishStateChange(events: EventBridgeClient, eventBusName: string, detail: DeploymentStateChange): Promise<void> {
  let out;
  try {
    out = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: EVENT_SOURCE,
            DetailType: EVENT_DETAIL_TYPE,
            Detail: JSON.stringify(detail),
            EventBusName: eventBusName,
            Time: new Date(detail.at),
          },
        ],
      }),
    );
  } catch (error) {
    throw toGlidepathError(error, `events:PutEvents on ${eventBusName}`);
  }
  if ((out.FailedEntryCount ?? 0) > 0) {
    const entry = out.Entries?.find((e) => e.ErrorCode);
    throw new GlidepathError(
      'INTERNAL_ERROR',
      `events:PutEvents on ${eventBusName} refused the event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim(),
    );
  }
}

/** The EventBus port on EventBridge PutEvents, on the bus `eventBusName`. */
export function eventBridgeBus(events: EventBridgeClient, eventBusName: string): EventBus {
  return { publish: (detail) => publishStateChange(events, eventBusName, detail) };
}
