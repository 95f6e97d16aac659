/**
 * The deployment table as tasks see it: records, the per-alias lock and alarm watches, written
 * with guards rather than database expressions. Every change names the facts it depends on
 * (`when`), so two writers racing on one record (control, a check, a wait) never both win: the
 * adapter makes the change only if every guard holds, atomically, and says so.
 * On AWS the adapter is DynamoDB (shared/aws/deployment-store.ts); tests use an in-memory one.
 */
import type { ControlSignals, DeploymentEvent, DeploymentRecord, HistoryKind, LockItem, Verdict, WeightPoint } from '../model/record.ts';

/** A fact a change depends on. */
export type Guard =
  /** The deployment has not ended (Created, InProgress or Paused). */
  | { active: true }
  /** The record's step in progress is not this one (a step is started or recorded once). */
  | { stepIndexIsNot: number }
  /** None of these operator signals is set. */
  | { unsignalled: readonly (keyof ControlSignals)[] }
  /** This signal still holds the value the caller acted on. */
  | { signal: keyof ControlSignals; is: string }
  /** The record's wait holds this task token. */
  | { holdsToken: string }
  /** The record has no field at this path (e.g. `waitToken`: no wait is registered). */
  | { absent: string }
  /** The record has a field at this path (e.g. `codeDeployReport`: the report is still owed). */
  | { present: string };

/** A change to one record: fields set (paths may be dotted: `signals.pause`), list items appended, fields removed. */
export interface RecordChange {
  set?: Record<string, unknown>;
  /** The deployment's history: each entry is an item of its own, written with the change under its guards (both or neither). */
  append?: HistoryAppend;
  remove?: string[];
  /** Every guard must hold (and the record must exist) for the change to be made. */
  when?: Guard[];
}

/** History entries written with a change or a new record (at most 98 in all: TransactWriteItems' 100 actions, less the record's and a lock's). */
export interface HistoryAppend {
  events?: DeploymentEvent[];
  weights?: WeightPoint[];
  verdicts?: Verdict[];
}

/** What each history kind holds. */
export interface HistoryEntries {
  events: DeploymentEvent;
  weights: WeightPoint;
  verdicts: Verdict;
}

export interface HistoryOptions {
  /** At most this many entries (the newest when `newestFirst`, else the oldest). */
  limit?: number;
  newestFirst?: boolean;
}

export interface DeploymentPage {
  deployments: DeploymentRecord[];
  /** Present when there are more: pass it back as `startKey`. */
  nextKey?: Record<string, unknown>;
}

export interface DeploymentStore {
  get(id: string): Promise<DeploymentRecord | undefined>;
  /**
   * Writes a new record and takes its alias's lock, both or neither. `exists`: this very deployment
   * was created before (a retried Prepare). DEPLOYMENT_IN_PROGRESS when another active deployment
   * holds the lock; a lock whose holder has ended or left no record is taken over. `history`: its
   * first entries, written with it.
   */
  create(record: DeploymentRecord, history?: HistoryAppend): Promise<'created' | 'exists'>;
  /** Writes a record only if none has its id (a refused deployment's record), with its first history entries. */
  putIfAbsent(record: DeploymentRecord, history?: HistoryAppend): Promise<boolean>;
  /** Makes `change` if its guards hold; the record after it, or undefined when a guard failed or there is no record. */
  update(id: string, change: RecordChange): Promise<DeploymentRecord | undefined>;
  /** The same, without reading the record back: true when made. */
  updateQuietly(id: string, change: RecordChange): Promise<boolean>;
  lock(functionName: string, alias: string): Promise<LockItem | undefined>;
  /** Deletes the alias's lock only if `deploymentId` holds it. */
  releaseLock(functionName: string, alias: string, deploymentId: string): Promise<'released' | 'notHeld'>;
  /** An alias's deployments, newest first. */
  list(functionName: string, alias: string, options?: { limit?: number; startKey?: Record<string, unknown> }): Promise<DeploymentPage>;
  /** Records that `record` watches each of `alarmNames` (again, harmlessly, on a retry). */
  watchAlarms(record: Pick<DeploymentRecord, 'id' | 'functionName' | 'alias' | 'createdAt'>, alarmNames: readonly string[]): Promise<void>;
  unwatchAlarms(deploymentId: string, alarmNames: readonly string[]): Promise<void>;
  /** The ids of the deployments that watch `alarmName`. */
  watchersOf(alarmName: string): Promise<string[]>;
  /** Every deployment that has not ended (one query, however many). */
  active(): Promise<DeploymentRecord[]>;
  /** A deployment's history of one kind, oldest first unless `newestFirst` (paged through, however long); empty when there is none. */
  history<K extends HistoryKind>(id: string, kind: K, options?: HistoryOptions): Promise<HistoryEntries[K][]>;
}
