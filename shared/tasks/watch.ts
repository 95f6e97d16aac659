/**
 * The watcher: once a minute, one look at every active deployment — the safety net for an alarm
 * event that never came. One query finds the active deployments (nothing active: that query is
 * all it costs); their alarms are read together, in batches of 100 names; each deployment keeps
 * the latest reading (replaced when it changes, never a list that grows); a deployment whose wait
 * must fail (a watched alarm in ALARM) has its wait failed with ALARM_ACTIVE, and the state
 * machine rolls back. A deployment that is shifting or checking reads its alarms itself.
 * Deployments that ended with their rollback unfinished stay in the same index until repaired:
 * each tick gives them to the repair task (shared/tasks/repair.ts).
 */
import { isoNow } from '../core/ports/clock.ts';
import { alarmDuringWait, healthPolicy, watchedAlarms } from '../core/health.ts';
import { isActive, type DeploymentRecord } from '../core/model/record.ts';
import type { AlarmReading, AlarmReader } from '../core/ports/alarm-reader.ts';
import type { DeploymentStore } from '../core/ports/deployment-store.ts';
import { failWaitingStep, type ReleasePorts } from './control.ts';
import { repair, type RepairPorts } from './repair.ts';

export type WatchPorts = Omit<ReleasePorts, 'store'> & Pick<RepairPorts, 'aliases'> & {
  store: Pick<DeploymentStore, 'active' | 'get' | 'update' | 'updateQuietly'>;
  alarms: AlarmReader;
};

export interface WatchResult {
  /** Active deployments looked at. */
  active: number;
  /** Distinct alarm names read. */
  alarms: number;
  /** Deployments whose wait was failed for an alarm. */
  woken: string[];
  /** Deployments the watcher could not look after this time (retried at the next tick). */
  errors: number;
  /** Ended deployments whose unfinished rollback was repaired at this tick. */
  repaired: string[];
}

type Seen = { name: string; state: string }[];

function sameReading(a: Seen | undefined, b: Seen): boolean {
  return !!a && a.length === b.length && a.every((x, i) => x.name === b[i]!.name && x.state === b[i]!.state);
}

async function look(deployment: DeploymentRecord, reading: AlarmReading, ports: WatchPorts): Promise<boolean> {
  const names = watchedAlarms(deployment.request);
  if (names.length === 0) return false;
  const states = new Map(reading.alarms.map((alarm) => [alarm.name, alarm]));
  const mine = names.flatMap((name) => states.get(name) ?? []);
  const seen = mine.map(({ name, state }) => ({ name, state }));
  if (!sameReading(deployment.watch?.alarms, seen)) {
    await ports.store.updateQuietly(deployment.id, { set: { watch: { at: isoNow(ports.clock), alarms: seen } }, when: [{ active: true }] });
  }
  const firing = mine.find((alarm) => alarm.state === 'ALARM');
  if (!firing || !deployment.waitToken || !healthPolicy(deployment.request).enabled) return false;
  const cause = `${alarmDuringWait(firing, deployment.waitToken)} (seen by the watcher)`;
  const result = await failWaitingStep(deployment, { error: 'ALARM_ACTIVE', cause }, ports);
  return result.released !== undefined;
}

export async function watch(ports: WatchPorts): Promise<WatchResult> {
  const listed = await ports.store.active();
  const repairs = await repair(listed, ports);
  const repaired = repairs.filter((r) => r.outcome === 'repaired').map((r) => r.deploymentId);
  const deployments = listed.filter((d) => isActive(d.status));
  const names = [...new Set(deployments.flatMap((d) => watchedAlarms(d.request)))];
  if (names.length === 0) return { active: deployments.length, alarms: 0, woken: [], errors: 0, repaired };
  // One read for all of them (the reader batches 100 names a call); a failed read is the next tick's to retry.
  const reading = await ports.alarms.read(names);
  const looked = await Promise.allSettled(deployments.map((d) => look(d, reading, ports)));
  const woken = deployments.filter((_, i) => looked[i]!.status === 'fulfilled' && (looked[i] as PromiseFulfilledResult<boolean>).value).map((d) => d.id);
  const failed = looked.flatMap((r, i) => (r.status === 'rejected' ? [{ id: deployments[i]!.id, error: r.reason }] : []));
  for (const { id, error } of failed) ports.log.warn('the watcher could not look after a deployment', { deploymentId: id, error: error instanceof Error ? error.message : String(error) });
  return { active: deployments.length, alarms: names.length, woken, errors: failed.length, repaired };
}
