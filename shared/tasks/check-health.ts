/**
 * CheckHealth: one check of a bake, a timed pause or the final bake. The first
 * check of a step marks when it started (a conditional UpdateItem returning the record); later
 * checks only read the record. Then one alarm read and the pure decision of shared/core/health.ts.
 * A signal the decision acted on (promote, promote-full) is cleared so it acts once.
 */
import { now, nowIso } from '../core/clock.ts';
import type { CheckHealthInput, HealthResult } from '../core/model/machine.ts';
import type { DeploymentRecord } from '../core/model/record.ts';
import type { Clients } from '../aws/clients.ts';
import { getDeployment, requireDeployment, updateDeployment, type Store } from '../aws/deployment-store.ts';
import { DeploymentNotFoundError } from '../core/errors.ts';
import { decideHealth, healthPolicy, stepDurationSeconds } from '../core/health.ts';
import { stepKind } from '../core/model/plan.ts';
import { observeAlarms } from './observe-alarms.ts';
import { deploymentEvent } from '../core/deployment/records.ts';
import { consumeSignal } from './signal-store.ts';
import { silentNotes, storeOf, type HandlerEnv, type Notes } from './env.ts';

function startMessage(input: CheckHealthInput): string {
  const seconds = stepDurationSeconds(input.cursor.step);
  if (input.cursor.final) return `final bake: watching alarms for ${seconds}s at 100%`;
  const kind = input.cursor.step ? stepKind(input.cursor.step) : 'step';
  return `step ${input.cursor.index}: ${kind} for ${seconds}s`;
}

/** Marks the step started, unless a check (or a retry of this one) already did. */
async function startStep(store: Store, record: DeploymentRecord, input: CheckHealthInput): Promise<DeploymentRecord> {
  const at = nowIso();
  const started = await updateDeployment(store, record.id, {
    set: { stepIndex: input.cursor.index, stepStartedAt: at, updatedAt: at },
    append: { events: [deploymentEvent('StepStarted', startMessage(input), { stepIndex: input.cursor.index }, at)] },
    condition: { expression: '#si <> :index', names: { '#si': 'stepIndex' }, values: { ':index': input.cursor.index } },
  });
  if (started) return started;
  const again = await getDeployment(store, record.id);
  if (!again) throw new DeploymentNotFoundError(record.id);
  return again;
}

export async function checkHealth(input: CheckHealthInput, clients: Clients, env: HandlerEnv, _notes: Notes = silentNotes): Promise<HealthResult> {
  const store = storeOf(clients, env);
  let record = await requireDeployment(store, input.deploymentId);
  const policy = healthPolicy(record.request);
  const alarmsRead = observeAlarms(clients.cloudwatch, record.request.alarms, policy);
  if (record.stepIndex !== input.cursor.index) record = await startStep(store, record, input);

  const { result, consumed } = decideHealth({ cursor: input.cursor, record, alarms: await alarmsRead, policy, now: now(), windows: record.request.windows });
  // (If clearing fails the Task is retried and decides the same again.)
  if (consumed && result.decision !== 'fail') await consumeSignal(store, record, consumed);
  return { ...result, revisionId: record.revisionId };
}
