/**
 * Prepare (DESIGN §5): validate and plan the request, read everything the preflight needs, refuse
 * with every violation before anything changes, then record the deployment and take the alias's
 * lock in one transaction. Output: the small MachineState the state machine carries.
 */
import { nowIso } from '../clock.ts';
import { DeploymentInProgressError, GlidepathError, InvalidLambdaFunctionError } from '../errors.ts';
import { bareFunctionName } from '../model/record.ts';
import { deploymentIdFromExecution, type MachineState, type PrepareInput } from '../model/machine.ts';
import { shiftTarget } from './routing.ts';
import type { DeploymentRequest } from '../model/request.ts';
import { parseRequest } from '../validate.ts';
import { planDeployment, machinePlan } from '../planner.ts';
import { preflight, type HookObservation, type Violation } from '../preflight.ts';
import { healthPolicy } from '../health.ts';
import type { Clients } from '../aws/clients.ts';
import { getAlias, type AliasState } from '../aws/lambda-alias.ts';
import { readFunctionConfiguration, type FunctionConfig } from '../aws/lambda-function.ts';
import { readAlarms, type AlarmReading } from '../aws/alarms.ts';
import { createDeployment, getDeployment, getLock, isActive } from '../aws/deployment-store.ts';
import { watchAlarms } from '../aws/alarm-watches.ts';
import { newDeploymentRecord } from './records.ts';
import { announce, stateChangeOf } from './announce.ts';
import { silentNotes, storeOf, type HandlerEnv, type Notes } from './env.ts';

/** Every hook the request names, with the field that names it. */
export function requestedHooks(request: DeploymentRequest): { field: string; name: string }[] {
  const hooks: { field: string; name: string }[] = [];
  for (const key of ['beforeAllowTraffic', 'afterAllowTraffic', 'perStep'] as const) {
    const name = request.hooks?.[key];
    if (name) hooks.push({ field: `hooks.${key}`, name });
  }
  if (typeof request.strategy === 'object' && 'steps' in request.strategy) {
    request.strategy.steps.forEach((step, index) => {
      if ('hook' in step) hooks.push({ field: `strategy.steps[${index}].hook`, name: step.hook });
    });
  }
  return hooks;
}

async function readAliasOrNothing(clients: Clients, request: DeploymentRequest): Promise<AliasState | undefined> {
  try {
    return await getAlias(clients.lambda, { functionName: request.functionName, alias: request.alias });
  } catch (error) {
    if (error instanceof InvalidLambdaFunctionError) return undefined;
    throw error;
  }
}

async function readHooks(clients: Clients, request: DeploymentRequest): Promise<HookObservation[]> {
  const wanted = requestedHooks(request);
  const names = [...new Set(wanted.map((h) => h.name))];
  const found = await Promise.all(names.map(async (name) => [name, (await readFunctionConfiguration(clients.lambda, name)) !== undefined] as const));
  const exists = new Map(found);
  return wanted.map((h) => ({ ...h, exists: exists.get(h.name) ?? false }));
}

async function readAlarmsForPreflight(clients: Clients, request: DeploymentRequest, notes: Notes): Promise<AlarmReading | undefined> {
  const policy = healthPolicy(request);
  if (!policy.enabled || !request.alarms || request.alarms.length === 0) return undefined;
  try {
    return await readAlarms(clients.cloudwatch, request.alarms);
  } catch (error) {
    if (!policy.ignorePollAlarmFailure) throw error;
    notes.warn('alarms could not be read before the first shift; going on (ignorePollAlarmFailure)', {
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

function refusal(violations: Violation[]): GlidepathError {
  const first = violations[0]!;
  return new GlidepathError(first.code, violations.map((v) => v.message).join('; '), {
    field: first.field,
    details: { violations },
  });
}

export async function prepare(input: PrepareInput, clients: Clients, env: HandlerEnv, notes: Notes = silentNotes): Promise<MachineState> {
  const deploymentId = deploymentIdFromExecution(input.execution.Name);
  const request = parseRequest(input.request);
  const plan = planDeployment(request);
  const store = storeOf(clients, env);

  const [fn, alias] = await Promise.all([
    readFunctionConfiguration(clients.lambda, request.functionName),
    readAliasOrNothing(clients, request),
  ]);
  const currentVersion = request.currentVersion ?? alias?.functionVersion;
  const readVersion = (version: string | undefined): Promise<FunctionConfig | undefined> =>
    fn && version !== undefined && version !== '$LATEST'
      ? readFunctionConfiguration(clients.lambda, request.functionName, version)
      : Promise.resolve(undefined);
  const [current, target, hooks, alarms] = await Promise.all([
    currentVersion === request.targetVersion ? Promise.resolve(undefined) : readVersion(currentVersion),
    currentVersion === request.targetVersion ? Promise.resolve(undefined) : readVersion(request.targetVersion),
    readHooks(clients, request),
    readAlarmsForPreflight(clients, request, notes),
  ]);

  const violations = preflight({
    request,
    functionFound: fn !== undefined,
    ...(alias ? { alias: { functionVersion: alias.functionVersion, weights: alias.weights } } : {}),
    ...(currentVersion === undefined ? {} : { currentVersion }),
    ...(current ? { current } : {}),
    ...(target ? { target } : {}),
    hooks,
    ...(alarms ? { alarms } : {}),
  });
  if (violations.length > 0) {
    // Another deployment in flight explains most violations (the alias has weights): say that.
    const lock = fn ? await getLock(store, request.functionName, request.alias) : undefined;
    if (lock && lock.deploymentId !== deploymentId) {
      const holder = await getDeployment(store, lock.deploymentId);
      if (holder && isActive(holder.status)) {
        throw new DeploymentInProgressError(lock.deploymentId, `${bareFunctionName(request.functionName)}:${request.alias}`);
      }
    }
    throw refusal(violations);
  }

  const at = nowIso();
  const record = newDeploymentRecord({
    id: deploymentId,
    ...(input.execution.Id ? { executionArn: input.execution.Id } : {}),
    request,
    plan: { ...plan, currentVersion: currentVersion! },
    currentVersion: currentVersion!,
    revisionId: alias!.revisionId,
    at,
  });
  const created = await createDeployment(store, record);
  // After the record, so a watch never names a deployment that was refused (reconcile, on an alarm).
  await watchAlarms(store, record);
  if (created === 'created') await announce(clients, env, notes, stateChangeOf(record, { change: 'started', stepCount: record.plan.steps.length }));

  return {
    deploymentId,
    plan: machinePlan(plan, request),
    cursor: { index: 0 },
    target: shiftTarget(record),
    health: { decision: 'next', weight: 0, revisionId: record.revisionId },
  };
}
