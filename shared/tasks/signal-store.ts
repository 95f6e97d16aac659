/**
 * The record writes of operator control, each one guarded so that control, checks and waits
 * racing on one record never lose or double a release:
 * - a signal is written only while the deployment is active;
 * - a one-shot signal is cleared only if it is still the one that was acted on;
 * - a wait is claimed (its token removed) by exactly one writer, who then answers the token.
 */
import type { ControlSignals, DeploymentEvent, DeploymentRecord, DeploymentStatus } from '../core/model/record.ts';
import type { DeploymentStore, Guard } from '../core/ports/deployment-store.ts';

type Store = Pick<DeploymentStore, 'update'>;

/** Clears `key` if it still holds the value the caller acted on. False: it changed meanwhile. */
export async function consumeSignal(store: Store, record: DeploymentRecord, key: keyof ControlSignals, at: string): Promise<boolean> {
  const seen = record.signals?.[key];
  if (seen === undefined) return true;
  const updated = await store.update(record.id, { set: { updatedAt: at }, remove: [`signals.${key}`], when: [{ signal: key, is: seen }] });
  return updated !== undefined;
}

export interface SignalWrite {
  set: keyof ControlSignals;
  clear: (keyof ControlSignals)[];
  at: string;
  /** This write's id (kept as `lastWrite`). */
  by: string;
  event: DeploymentEvent;
  /** More facts the write depends on (an approve: no approve pending, the wait as it was read). */
  when?: Guard[];
}

/** Writes an operator signal while the deployment is active and not rolling back; undefined when it is not (or is gone). */
export async function writeSignal(store: Store, id: string, write: SignalWrite): Promise<DeploymentRecord | undefined> {
  return store.update(id, {
    set: { [`signals.${write.set}`]: write.at, updatedAt: write.at, lastWrite: write.by },
    remove: write.clear.map((key) => `signals.${key}`),
    append: { events: [write.event] },
    when: [{ active: true }, { absent: 'rollingBackAt' }, ...(write.when ?? [])],
  });
}

export interface WaitWrite {
  waitToken: NonNullable<DeploymentRecord['waitToken']>;
  /** Set when the wait starts its step (an approval or pause step reached for the first time). */
  stepStartedAt?: string;
  status?: DeploymentStatus;
  event?: DeploymentEvent;
  at: string;
}

/** Stores a waiting step's task token (only while the deployment is active) and returns the record after. */
export async function storeWait(store: Store, id: string, write: WaitWrite): Promise<DeploymentRecord | undefined> {
  return store.update(id, {
    set: {
      waitToken: write.waitToken,
      // A timed or window wait belongs to a step already under way (a check or a shift recorded it).
      ...(write.waitToken.kind === 'timed' || write.waitToken.kind === 'window' ? {} : { stepIndex: write.waitToken.stepIndex }),
      updatedAt: write.at,
      ...(write.stepStartedAt ? { stepStartedAt: write.stepStartedAt } : {}),
      ...(write.status ? { status: write.status } : {}),
    },
    ...(write.event ? { append: { events: [write.event] } } : {}),
    when: [{ active: true }],
  });
}

export interface Claim {
  token: string;
  consume: (keyof ControlSignals)[];
  status?: DeploymentStatus;
  event?: DeploymentEvent;
  at: string;
  /** This claim's id (kept as `lastWrite`). */
  by: string;
}

/**
 * Takes the wait: removes its token (and the signals that release it) if the token is still
 * there. Only the caller that gets a record back answers the token.
 */
export async function claimWait(store: Store, id: string, claim: Claim): Promise<DeploymentRecord | undefined> {
  return store.update(id, {
    set: { updatedAt: claim.at, lastWrite: claim.by, ...(claim.status ? { status: claim.status } : {}) },
    remove: ['waitToken', ...claim.consume.map((key) => `signals.${key}`)],
    ...(claim.event ? { append: { events: [claim.event] } } : {}),
    when: [{ active: true }, { holdsToken: claim.token }],
  });
}

/** Puts a claimed token back after its answer could not be sent, so a later release can try again. */
export async function restoreWait(store: Store, id: string, waitToken: NonNullable<DeploymentRecord['waitToken']>, at: string, status?: DeploymentStatus): Promise<void> {
  await store.update(id, {
    set: { waitToken, updatedAt: at, ...(status ? { status } : {}) },
    when: [{ active: true }, { absent: 'waitToken' }],
  });
}
