/**
 * Reading the deployment's alarms for a health decision: the reader's answer, or the reason it
 * could not be read (the decision, not this read, applies ignorePollAlarmFailure).
 *
 * Throttling and server errors (5xx) are the exception: they say nothing about the alarms and
 * pass, so unless the policy ignores poll failures the read rejects (THROTTLED, INTERNAL_ERROR)
 * and the state machine's Retry runs the Task again (as it does for a throttled Prepare); only
 * when they persist past the retries does the deployment roll back.
 */
import { isGlidepathError, errorMessage } from '../core/errors.ts';
import type { AlarmObservation, HealthPolicy } from '../core/health.ts';
import type { AlarmReader } from '../core/ports/alarm-reader.ts';

function isPassing(error: unknown): boolean {
  if (!isGlidepathError(error)) return false;
  return error.code === 'THROTTLED' || (error.code === 'INTERNAL_ERROR' && error.details?.serverFault === true);
}

async function read(alarms: AlarmReader, names: readonly string[] | undefined, policy: HealthPolicy): Promise<AlarmObservation> {
  if (!policy.enabled || !names || names.length === 0) return { status: 'none' };
  try {
    const reading = await alarms.read(names);
    return { status: 'read', alarms: reading.alarms, missing: reading.missing };
  } catch (error) {
    if (!policy.ignorePollAlarmFailure && isPassing(error)) throw error;
    return { status: 'unreadable', message: errorMessage(error) };
  }
}

export function observeAlarms(alarms: AlarmReader, names: readonly string[] | undefined, policy: HealthPolicy): Promise<AlarmObservation> {
  const reading = read(alarms, names, policy);
  // Callers start the read, do other calls, then await it: a rejection meanwhile is not unhandled.
  reading.catch(() => undefined);
  return reading;
}
