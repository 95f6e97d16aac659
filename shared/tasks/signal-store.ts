/**
 * The record writes of operator control, each one conditional so that control, checks and waits
 * racing on one record never lose or double a release:
 * - a signal is written only while the deployment is active;
 * - a one-shot signal is cleared only if it is still the one that was acted on;
 * - a wait is claimed (its token removed) by exactly one writer, who then answers the token.
 */
import { nowIso } from '../core/clock.ts';
import type { ControlSignals, DeploymentEvent, DeploymentRecord, DeploymentStatus } from '../core/model/record.ts';
import { ACTIVE, and, updateDeployment, type Store } from '../aws/deployment-store.ts';
import type { Condition } from '../aws/update-expression.ts';

/** Clears `key` if it still holds the value the caller acted on. False: it changed meanwhile. */
export async function consumeSignal(store: Store, record: DeploymentRecord, key: keyof ControlSignals): Promise<boolean> {
  const seen = record.signals?.[key];
  if (seen === undefined) return true;
  const updated = await updateDeployment(store, record.id, {
    set: { updatedAt: nowIso() },
    remove: [`signals.${key}`],
    condition: { expression: '#sig.#key = :seen', names: { '#sig': 'signals', '#key': key }, values: { ':seen': seen } },
  });
  return updated !== undefined;
}

export interface SignalWrite {
  set: keyof ControlSignals;
  clear: (keyof ControlSignals)[];
  at: string;
  event: DeploymentEvent;
}

/** Writes an operator signal while the deployment is active; undefined when it is not (or is gone). */
export async function writeSignal(store: Store, id: string, write: SignalWrite): Promise<DeploymentRecord | undefined> {
  return updateDeployment(store, id, {
    set: { [`signals.${write.set}`]: write.at, updatedAt: write.at },
    remove: write.clear.map((key) => `signals.${key}`),
    append: { events: [write.event] },
    condition: ACTIVE,
  });
}

export interface WaitWrite {
  waitToken: NonNullable<DeploymentRecord['waitToken']>;
  /** Set when the wait starts its step (an approval or pause step reached for the first time). */
  stepStartedAt?: string;
  status?: DeploymentStatus;
  event: DeploymentEvent;
}

/** Stores a waiting step's task token (only while the deployment is active) and returns the record after. */
export async function storeWait(store: Store, id: string, write: WaitWrite): Promise<DeploymentRecord | undefined> {
  const at = write.event.at;
  return updateDeployment(store, id, {
    set: {
      waitToken: write.waitToken,
      stepIndex: write.waitToken.stepIndex,
      updatedAt: at,
      ...(write.stepStartedAt ? { stepStartedAt: write.stepStartedAt } : {}),
      ...(write.status ? { status: write.status } : {}),
    },
    append: { events: [write.event] },
    condition: ACTIVE,
  });
}

/** None of `keys` is set among the record's signals (true too when the record has no signals); an AND chain. */
export function unsignalled(keys: readonly (keyof ControlSignals)[]): Condition {
  const names: Record<string, string> = { '#sg': 'signals' };
  const absent = keys.map((key, i) => {
    names[`#sg${i}`] = key;
    return `attribute_not_exists(#sg.#sg${i})`;
  });
  return { expression: absent.join(' AND '), names };
}

const holdsToken = (token: string): Condition => ({
  expression: '#wt.#tok = :token',
  names: { '#wt': 'waitToken', '#tok': 'token' },
  values: { ':token': token },
});

export interface Claim {
  token: string;
  consume: (keyof ControlSignals)[];
  status?: DeploymentStatus;
  event: DeploymentEvent;
}

/**
 * Takes the wait: removes its token (and the signals that release it) if the token is still
 * there. Only the caller that gets a record back answers the token.
 */
export async function claimWait(store: Store, id: string, claim: Claim): Promise<DeploymentRecord | undefined> {
  return updateDeployment(store, id, {
    set: { updatedAt: claim.event.at, ...(claim.status ? { status: claim.status } : {}) },
    remove: ['waitToken', ...claim.consume.map((key) => `signals.${key}`)],
    append: { events: [claim.event] },
    condition: and(ACTIVE, holdsToken(claim.token)),
  });
}

/** Puts a claimed token back after its answer could not be sent, so a later release can try again. */
export async function restoreWait(store: Store, id: string, waitToken: NonNullable<DeploymentRecord['waitToken']>, status?: DeploymentStatus): Promise<void> {
  await updateDeployment(store, id, {
    set: { waitToken, updatedAt: nowIso(), ...(status ? { status } : {}) },
    condition: and(ACTIVE, { expression: 'attribute_not_exists(#wt)', names: { '#wt': 'waitToken' } }),
  });
}
