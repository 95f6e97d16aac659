/**
 * Reading the deployment's alarms for a health decision: CloudWatch's answer, or the reason it
 * could not be read (the decision, not this read, applies ignorePollAlarmFailure).
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { readAlarms } from '../aws/alarms.ts';
import type { AlarmObservation, HealthPolicy } from '../health.ts';

export async function observeAlarms(cloudwatch: CloudWatchClient, names: readonly string[] | undefined, policy: HealthPolicy): Promise<AlarmObservation> {
  if (!policy.enabled || !names || names.length === 0) return { status: 'none' };
  try {
    const reading = await readAlarms(cloudwatch, names);
    return { status: 'read', alarms: reading.alarms, missing: reading.missing };
  } catch (error) {
    return { status: 'unreadable', message: error instanceof Error ? error.message : String(error) };
  }
}
