/**
 * Prepare: validate and plan the request (a function of another account or region than the
 * execution's is refused: shared/core/function-home.ts), read everything the preflight needs, refuse
 * with every violation before anything changes, then record the deployment and take the alias's
 * lock in one transaction. Output: the small MachineState the state machine carries.
 */
import { isoNow } from '../core/ports/clock.ts';
import { DeploymentInProgressError, GlidepathError, InvalidLambdaFunctionError, errorMessage } from '../core/errors.ts';
import { bareFunctionName, isActive } from '../core/model/record.ts';
import { deploymentIdFromExecution, type MachineState, type PrepareInput } from '../core/model/machine.ts';
import { shiftTarget } from '../core/routing.ts';
import type { DeploymentRequest } from '../core/model/request.ts';
import { parseRequest } from '../core/validate.ts';
import { planDeployment, machinePlan } from '../core/planner.ts';
import { preflight, type HookObservation, type Violation } from '../core/preflight.ts';
import { healthPolicy, watchedAlarms } from '../core/health.ts';
import type { ControllerPorts } from '../core/ports/index.ts';
import type { AliasState } from '../core/ports/alias-router.ts';
import type { FunctionConfig } from '../core/ports/function-reader.ts';
import type { AlarmReading } from '../core/ports/alarm-reader.ts';
import { newDeploymentHistory, newDeploymentRecord, stateChangeOf } from '../core/deployment/records.ts';
import { announce } from './announce.ts';
import type { DeploymentStore } from '../core/ports/deployment-store.ts';
import type { AliasRouter } from '../core/ports/alias-router.ts';
import type { FunctionReader } from '../core/ports/function-reader.ts';
import type { CodeDeployReader } from '../core/ports/codedeploy-reader.ts';
import { checkBridgeOrigin } from './bridge-origin.ts';
import { foreignFunction, homeOf } from '../core/function-home.ts';

export type PreparePorts = Pick<ControllerPorts, 'alarms' | 'events' | 'clock' | 'log'> & {
  store: Pick<DeploymentStore, 'get' | 'create' | 'lock' | 'watchAlarms'>;
  aliases: Pick<AliasRouter, 'read'>;
  functions: Pick<FunctionReader, 'configuration'>;
  codeDeploy: Pick<CodeDeployReader, 'deployment'>;
};

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

async function readAliasOrNothing(ports: PreparePorts, request: DeploymentRequest): Promise<AliasState | undefined> {
  try {
    return await ports.aliases.read({ functionName: request.functionName, alias: request.alias });
  } catch (error) {
    if (error instanceof InvalidLambdaFunctionError) return undefined;
    throw error;
  }
}

async function readHooks(ports: PreparePorts, request: DeploymentRequest): Promise<HookObservation[]> {
  const wanted = requestedHooks(request);
  const names = [...new Set(wanted.map((h) => h.name))];
  const found = await Promise.all(names.map(async (name) => [name, (await ports.functions.configuration(name)) !== undefined] as const));
  const exists = new Map(found);
  return wanted.map((h) => ({ ...h, exists: exists.get(h.name) ?? false }));
}

async function readAlarmsForPreflight(ports: PreparePorts, request: DeploymentRequest): Promise<AlarmReading | undefined> {
  const policy = healthPolicy(request);
  if (!policy.enabled || !request.alarms || request.alarms.length === 0) return undefined;
  try {
    return await ports.alarms.read(request.alarms);
  } catch (error) {
    if (!policy.ignorePollAlarmFailure) throw error;
    ports.log.warn('alarms could not be read before the first shift; going on (ignorePollAlarmFailure)', {
      error: errorMessage(error),
    });
    return undefined;
  }
}

/**
 * The most of a refusal's message that lists violations: its Lambda error (JSON, with the trace)
 * stays well inside the 32,768 characters Step Functions keeps of a Cause, so it is never cut.
 */
export const MAX_REFUSAL_CHARS = 8_000;

/** The violations' messages, as many as fit in MAX_REFUSAL_CHARS, then how many more there are. */
export function refusalMessage(violations: readonly Violation[]): string {
  const said: string[] = [];
  let length = 0;
  for (const v of violations) {
    if (said.length > 0 && length + v.message.length + 2 > MAX_REFUSAL_CHARS) break;
    said.push(v.message.length > MAX_REFUSAL_CHARS ? `${v.message.slice(0, MAX_REFUSAL_CHARS)}…` : v.message);
    length += v.message.length + 2;
  }
  const more = violations.length - said.length;
  return more > 0 ? `${said.join('; ')}; … and ${more} more (${violations.length} violations in all)` : said.join('; ');
}

function refusal(violations: Violation[]): GlidepathError {
  const first = violations[0]!;
  return new GlidepathError(first.code, refusalMessage(violations), {
    field: first.field,
    details: { violations },
  });
}

export async function prepare(input: PrepareInput, ports: PreparePorts): Promise<MachineState> {
  const deploymentId = deploymentIdFromExecution(input.execution.Name);
  const request = parseRequest(input.request);
  // Before anything is read: a function of another account or region is not the controller's to move.
  const foreign = foreignFunction(request.functionName, homeOf(input.execution.Id));
  if (foreign) throw foreign;
  const plan = planDeployment(request);
  const { store } = ports;
  await checkBridgeOrigin(request, input.execution.Name, ports.codeDeploy);

  const [fn, alias] = await Promise.all([ports.functions.configuration(request.functionName), readAliasOrNothing(ports, request)]);
  const currentVersion = request.currentVersion ?? alias?.functionVersion;
  const readVersion = (version: string | undefined): Promise<FunctionConfig | undefined> =>
    fn && version !== undefined && version !== '$LATEST'
      ? ports.functions.configuration(request.functionName, version)
      : Promise.resolve(undefined);
  const [current, target, hooks, alarms] = await Promise.all([
    currentVersion === request.targetVersion ? Promise.resolve(undefined) : readVersion(currentVersion),
    currentVersion === request.targetVersion ? Promise.resolve(undefined) : readVersion(request.targetVersion),
    readHooks(ports, request),
    readAlarmsForPreflight(ports, request),
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
    const lock = fn ? await store.lock(request.functionName, request.alias) : undefined;
    if (lock && lock.deploymentId !== deploymentId) {
      const holder = await store.get(lock.deploymentId);
      if (holder && isActive(holder.status)) {
        throw new DeploymentInProgressError(lock.deploymentId, `${bareFunctionName(request.functionName)}:${request.alias}`);
      }
    }
    throw refusal(violations);
  }

  const at = isoNow(ports.clock);
  const deployment = {
    id: deploymentId,
    ...(input.execution.Id ? { executionArn: input.execution.Id } : {}),
    request,
    plan: { ...plan, currentVersion: currentVersion! },
    currentVersion: currentVersion!,
    revisionId: alias!.revisionId,
    at,
  };
  const record = newDeploymentRecord(deployment);
  const created = await store.create(record, newDeploymentHistory(deployment));
  // After the record, so a watch never names a deployment that was refused (reconcile, on an alarm).
  await store.watchAlarms(record, watchedAlarms(record.request));
  if (created === 'created') await announce(ports, stateChangeOf(record, at, { change: 'started', stepCount: record.plan.steps.length }));

  return {
    deploymentId,
    plan: machinePlan(plan, request),
    cursor: { index: 0 },
    target: shiftTarget(record),
    health: { decision: 'next', weight: 0, revisionId: record.revisionId },
  };
}
