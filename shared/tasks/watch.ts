/**
 * The watcher: once a minute, one look at every active deployment — the safety net for an alarm
 * event that never came. One query finds the active deployments (nothing active: that query is
 * all it costs); their alarms are read together, in batches of 100 names; each deployment keeps
 * the latest reading (replaced when it changes, never a list that grows); a deployment whose wait
 * must fail (a watched alarm in ALARM) has its wait failed with ALARM_ACTIVE, and the state
 * machine rolls back. A deployment that is shifting or checking reads its alarms itself.
 * The same tick runs the analysis (shared/tasks/analyze.ts) for every deployment at once.
 * Deployments that ended with their rollback unfinished stay in the same index until repaired:
 * each tick gives them to the repair task (shared/tasks/repair.ts); bridge deployments that ended
 * with CodeDeploy not yet told stay there too, and go to shared/tasks/report-owed.ts. An active
 * deployment whose execution ended without reconcile ending it is ended through reconcile's path
 * (shared/tasks/ended-executions.ts).
 */
import { errorMessage } from '../core/errors.ts';
import { isoNow } from '../core/ports/clock.ts';
import { alarmDuringWait, healthPolicy, watchedAlarms } from '../core/health.ts';
import { isActive, type DeploymentRecord } from '../core/model/record.ts';
import type { AlarmReading, AlarmReader } from '../core/ports/alarm-reader.ts';
import type { DeploymentStore } from '../core/ports/deployment-store.ts';
import type { MetricReader } from '../core/ports/metric-reader.ts';
import { failWaitingStep, type ReleasePorts } from './control.ts';
import { analyze, type AnalyzeResult } from './analyze.ts';
import { repair, type RepairPorts } from './repair.ts';
import { reportOwed, type ReportPorts } from './report-owed.ts';
import { reconcileEndedExecutions, type EndedExecutionPorts } from './ended-executions.ts';

export type WatchPorts = Omit<ReleasePorts, 'store'> & Pick<RepairPorts, 'aliases'> & Pick<ReportPorts, 'lifecycle'> & Omit<EndedExecutionPorts, 'store'> & {
  store: Pick<DeploymentStore, 'active' | 'get' | 'update' | 'updateQuietly'> & EndedExecutionPorts['store'];
  alarms: AlarmReader;
  metrics: MetricReader;
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
  /** The analysis round (shared/tasks/analyze.ts). */
  analysis: AnalyzeResult;
  /** Ended deployments whose unfinished rollback was repaired at this tick. */
  repaired: string[];
  /** Ended bridge deployments whose owed report CodeDeploy took (or had already) at this tick. */
  reported: string[];
  /** Active deployments ended at this tick because their execution had ended without reconcile ending them. */
  reconciled: string[];
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

const NOTHING_ANALYSED: AnalyzeResult = { analysed: 0, verdicts: 0, failed: [], rechecked: [] };

/** The alarms of every deployment: one read for all of them (the reader batches 100 names a call). */
async function watchAlarms(deployments: DeploymentRecord[], ports: WatchPorts): Promise<Pick<WatchResult, 'alarms' | 'woken' | 'errors'>> {
  const names = [...new Set(deployments.flatMap((d) => watchedAlarms(d.request)))];
  if (names.length === 0) return { alarms: 0, woken: [], errors: 0 };
  const reading = await ports.alarms.read(names);
  const looked = await Promise.allSettled(deployments.map((d) => look(d, reading, ports)));
  const woken = deployments.filter((_, i) => looked[i]!.status === 'fulfilled' && (looked[i] as PromiseFulfilledResult<boolean>).value).map((d) => d.id);
  const failed = looked.flatMap((r, i) => (r.status === 'rejected' ? [{ id: deployments[i]!.id, error: r.reason }] : []));
  for (const { id, error } of failed) ports.log.warn('the watcher could not look after a deployment', { deploymentId: id, error: errorMessage(error) });
  return { alarms: names.length, woken, errors: failed.length };
}

export async function watch(ports: WatchPorts): Promise<WatchResult> {
  const listed = await ports.store.active();
  const repairs = await repair(listed, ports);
  const repaired = repairs.filter((r) => r.outcome === 'repaired').map((r) => r.deploymentId);
  const reports = await reportOwed(listed, ports);
  const reported = reports.filter((r) => r.outcome === 'told' || r.outcome === 'alreadyAnswered').map((r) => r.deploymentId);
  const ended = await reconcileEndedExecutions(listed, ports).catch((error: unknown) => {
    ports.log.warn('the watcher could not list the running executions', { error: errorMessage(error) });
    return { reconciled: [] as string[], errors: 1 };
  });
  const deployments = listed.filter((d) => isActive(d.status) && !ended.reconciled.includes(d.id));
  // A failed read (alarms or metrics) is the next tick's to retry; one does not keep the other from running.
  const [alarms, analysis] = await Promise.allSettled([watchAlarms(deployments, ports), analyze(deployments.filter((d) => d.status === 'InProgress'), ports)]);
  if (alarms.status === 'rejected') throw alarms.reason;
  if (analysis.status === 'rejected') {
    ports.log.warn('the analysis could not read its metrics', { error: errorMessage(analysis.reason) });
  }
  const analysed = analysis.status === 'fulfilled' ? analysis.value : NOTHING_ANALYSED;
  // A deployment woken by an alarm is not the analysis's to fail too.
  return { active: deployments.length, ...alarms.value, errors: alarms.value.errors + ended.errors, woken: [...new Set([...alarms.value.woken, ...analysed.failed])], analysis: analysed, repaired, reported, reconciled: ended.reconciled };
}
