/**
 * Fault schedules: fast-check draws a deployment (Canary, Linear or a step list with pauses,
 * approvals, bakes and analysis steps) and what happens to it at moments of virtual time — faults
 * armed on the engine's fault endpoint (throttles, 5xx, latency, lost answers, with counts and
 * probabilities), an outside writer's UpdateAlias, operator actions through the CLI's code path, the
 * alarm going into ALARM. The runner plays a schedule on the local engine; once the execution has
 * ended, the faults are gone and the watcher has had its ticks, the checker holds the end to the
 * terminal invariant (docs/architecture.md). Bad inputs: malformed requests, each refused with an
 * error naming its field and nothing changed.
 */
import fc from 'fast-check';
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { GetAliasCommand, LambdaClient, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { newDeploymentId } from '../../../cli/deployment-id.ts';
import { sendControl } from '../../../cli/control-client.ts';
import type { LocalEngine } from '../../../infra/local/engine.ts';
import type { FaultSpec } from '../../../infra/local/endpoint/faults.ts';
import { getDeployment, getLock } from '../../../shared/aws/deployment-store.ts';
import { dynamoDeploymentHistory } from '../../../shared/aws/dynamo-deployment-store.ts';
import type { ControlAction, DeploymentRecord } from '../../../shared/core/model/record.ts';
import { manualAlarm } from './alarms.ts';
import { createApp, type App } from './app.ts';
import type { E2E } from './connect.ts';

// ---------------------------------------------------------------------------------------------
// What a schedule is

export type StrategyKind = 'canary' | 'linear' | 'steps';

export interface FaultAt {
  /** Simulated seconds after the start when the fault is armed. */
  at: number;
  fault: Omit<FaultSpec, 'pathIncludes'>;
}

export interface ActionAt {
  at: number;
  action: ControlAction;
}

/** Another writer's UpdateAlias: the alias on `version` ('current', 'target' or a third one) with `weights`. */
export interface OutsideWrite {
  at: number;
  version: 'current' | 'target' | 'third';
  /** Weight on the other version of the pair (0 for none). */
  share: number;
}

export interface Schedule {
  kind: StrategyKind;
  strategy: unknown;
  /** Simulated seconds the deployment lasts without incidents (the moments are drawn within it). */
  span: number;
  faults: FaultAt[];
  actions: ActionAt[];
  outsideWrite?: OutsideWrite;
  /** When the deployment's alarm goes into ALARM. */
  alarmAt?: number;
}

// ---------------------------------------------------------------------------------------------
// Generators

const OPERATIONS: ReadonlyArray<{ service: string; operation: string; serverError: string }> = [
  { service: 'lambda', operation: 'UpdateAlias', serverError: 'ServiceException' },
  { service: 'lambda', operation: 'GetAlias', serverError: 'ServiceException' },
  { service: 'dynamodb', operation: 'UpdateItem', serverError: 'InternalServerError' },
  { service: 'dynamodb', operation: 'PutItem', serverError: 'InternalServerError' },
  { service: 'dynamodb', operation: 'TransactWriteItems', serverError: 'InternalServerError' },
  { service: 'dynamodb', operation: 'DeleteItem', serverError: 'InternalServerError' },
  { service: 'cloudwatch', operation: 'DescribeAlarms', serverError: 'InternalServiceFault' },
  { service: 'sfn', operation: 'SendTaskSuccess', serverError: 'ServiceUnavailable' },
  { service: 'sfn', operation: 'SendTaskFailure', serverError: 'ServiceUnavailable' },
];

type FaultKind = 'throttle' | '5xx' | 'latency' | 'lostAnswer';

function faultOf(target: (typeof OPERATIONS)[number], kind: FaultKind, count: number, probability: number | undefined, latencyMs: number): FaultAt['fault'] {
  const base = { service: target.service, operation: target.operation, count, ...(probability === undefined ? {} : { probability }) };
  switch (kind) {
    case 'throttle':
      return base;
    case '5xx':
      return { ...base, error: target.serverError, status: 500 };
    case 'latency':
      return { ...base, latencyMs };
    case 'lostAnswer':
      return { ...base, lostAnswer: true, error: target.serverError, status: 500 };
  }
}

/** One fault within `span` seconds: mostly short bursts the retries absorb, now and then an outage. */
const faultArb = (span: number): fc.Arbitrary<FaultAt> =>
  fc
    .record({
      at: fc.integer({ min: 0, max: span }),
      target: fc.constantFrom(...OPERATIONS),
      kind: fc.constantFrom<FaultKind>('throttle', '5xx', 'latency', 'lostAnswer'),
      count: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: fc.integer({ min: 6, max: 60 }) }),
      probability: fc.option(fc.constantFrom(0.25, 0.5, 0.75), { nil: undefined }),
      latencyMs: fc.integer({ min: 100, max: 20_000 }),
    })
    .map(({ at, target, kind, count, probability, latencyMs }) => ({ at, fault: faultOf(target, kind, count, probability, latencyMs) }));

const minutes = (n: number) => `${n}m`;

/** A step list: weights rising to 100 (or stopping short), with bakes, timed and open pauses, approvals, analysis steps. */
const stepsArb: fc.Arbitrary<{ strategy: unknown; span: number }> = fc
  .array(
    fc.oneof(
      fc.record({ bake: fc.integer({ min: 1, max: 30 }).map(minutes) }),
      fc.record({ pause: fc.oneof(fc.constant({}), fc.record({ duration: fc.integer({ min: 1, max: 20 }).map(minutes) })) }),
      fc.constant({ approval: {} }),
      fc.record({ analysis: fc.record({ duration: fc.integer({ min: 1, max: 5 }).map(minutes) }) }),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .chain((waits) =>
    fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: waits.length, maxLength: waits.length }).map((weights) => {
      const sorted = [...weights].sort((a, b) => a - b);
      const steps = waits.flatMap((wait, i) => [{ setWeight: sorted[i]! }, wait]);
      const span = waits.reduce((total, wait) => total + waitSeconds(wait), 0);
      return { strategy: { steps }, span };
    }),
  );

function waitSeconds(step: Record<string, unknown>): number {
  const m = (value: unknown) => Number(String(value).slice(0, -1)) * 60;
  if ('bake' in step) return m(step.bake);
  if ('analysis' in step) return m((step.analysis as { duration: string }).duration) * 2;
  if ('pause' in step) return 'duration' in (step.pause as object) ? m((step.pause as { duration: string }).duration) : 600;
  return 600;
}

const strategyArb: fc.Arbitrary<{ kind: StrategyKind; strategy: unknown; span: number }> = fc.oneof(
  fc.record({ percentage: fc.integer({ min: 1, max: 50 }), intervalMinutes: fc.integer({ min: 1, max: 30 }) }).map(({ percentage, intervalMinutes }) => ({
    kind: 'canary' as const,
    strategy: { type: 'TimeBasedCanary', percentage, intervalMinutes },
    span: intervalMinutes * 60,
  })),
  fc.record({ percentage: fc.constantFrom(10, 20, 25, 34, 50), intervalMinutes: fc.integer({ min: 1, max: 10 }) }).map(({ percentage, intervalMinutes }) => ({
    kind: 'linear' as const,
    strategy: { type: 'TimeBasedLinear', percentage, intervalMinutes },
    span: Math.ceil(100 / percentage - 1) * intervalMinutes * 60,
  })),
  stepsArb.map((s) => ({ kind: 'steps' as const, ...s })),
);

/** `arbitrary` `weight` times in `weight + none`, else undefined (shrinks towards undefined). */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, weight: number, none: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: none, arbitrary: fc.constant(undefined) }, { weight, arbitrary });

const ACTIONS: readonly ControlAction[] = ['abort', 'pause', 'resume', 'promote', 'promote-full', 'approve'];

export const scheduleArb: fc.Arbitrary<Schedule> = strategyArb.chain(({ kind, strategy, span }) => {
  const moment = fc.integer({ min: 0, max: Math.max(1, span) });
  return fc
    .record({
      faults: fc.array(faultArb(span), { minLength: 1, maxLength: 6 }),
      actions: fc.array(fc.record({ at: moment, action: fc.constantFrom(...ACTIONS) }), { maxLength: 3 }),
      // One schedule in three has an outside writer, one in four an alarm (either usually ends it).
      outsideWrite: sometimes(
        fc.record({ at: moment, version: fc.constantFrom<OutsideWrite['version']>('current', 'target', 'third'), share: fc.constantFrom(0, 0.2, 0.5) }),
        1,
        2,
      ),
      alarmAt: sometimes(moment, 1, 3),
    })
    .map((events) => ({
      kind,
      strategy,
      span,
      faults: events.faults,
      actions: events.actions,
      ...(events.outsideWrite ? { outsideWrite: events.outsideWrite } : {}),
      ...(events.alarmAt === undefined ? {} : { alarmAt: events.alarmAt }),
    }));
});

// ---------------------------------------------------------------------------------------------
// The runner

/** What a schedule did, and what the checker found wrong at its end. */
export interface Played {
  deploymentId: string;
  executionStatus: string;
  executionError?: string;
  faultsArmed: number;
  /** Operator actions sent while the deployment ran (each a race with the state machine). */
  actionsSent: number;
  /** The outside writer's call was made while the deployment ran (its answer may have been lost). */
  outsideWriteSent: boolean;
  /** When it was made (engine clock, ISO). */
  outsideWriteAt?: string;
  /** It landed after the deployment's last move of the alias: the deployment had nothing left to notice it with. */
  lateOutsideWrite?: boolean;
  violations: string[];
}

const OUTSIDE_MARK = 'set by another writer';
/** How long (simulated) the watcher has to repair an unfinished rollback: its backoff goes up to 30 minutes. */
const SETTLE_SECONDS = 4 * 3600;
/** Once the schedule's moments are over, an operator answers a deployment waiting on them this often (simulated). */
const CLOSING_OPERATOR_SECONDS = 900;
/** Simulated seconds after the schedule's last moment by which the deployment must have ended. */
const LATE_SECONDS = 6 * 3600;
/** Real milliseconds a schedule may take before it counts as stuck. */
const STUCK_MS = 60_000;
/** The record item must stay well below DynamoDB's 400 KB. */
export const RECORD_ITEM_LIMIT_BYTES = 100 * 1024;

const TERMINAL = new Set(['Succeeded', 'Failed', 'Stopped']);

async function armFault(engine: LocalEngine, spec: FaultSpec): Promise<void> {
  const response = await fetch(`${engine.url}/__glidepath/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
  if (response.status !== 201) throw new Error(`fault refused: ${response.status} ${await response.text()}`);
}

async function clearFaults(engine: LocalEngine): Promise<void> {
  await fetch(`${engine.url}/__glidepath/faults`, { method: 'DELETE' });
}

/** The test's own reads meet the schedule's faults too: try again. */
async function retrying<T>(read: () => Promise<T>, tries = 30): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await read();
    } catch (error) {
      if (i >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

function outsideRouting(write: OutsideWrite): { version: string; weights: Record<string, number> } {
  const version = { current: '1', target: '2', third: '3' }[write.version];
  const other = version === '1' ? '2' : '1';
  return { version, weights: write.share > 0 ? { [other]: write.share } : {} };
}

interface AliasRead {
  version: string;
  weights: Record<string, number>;
  description: string;
}

async function aliasOf(lambda: LambdaClient, app: App): Promise<AliasRead> {
  const out = await retrying(() => lambda.send(new GetAliasCommand({ FunctionName: app.functionName, Name: app.alias })));
  return { version: out.FunctionVersion!, weights: { ...(out.RoutingConfig?.AdditionalVersionWeights ?? {}) }, description: out.Description ?? '' };
}

/** What the operator sends to a deployment left waiting on them, if anything. */
function closingAction(record: DeploymentRecord | undefined): ControlAction | undefined {
  if (!record || TERMINAL.has(record.status)) return undefined;
  if (record.status === 'Paused' || record.waitToken?.kind === 'hold' || record.waitToken?.kind === 'pause') return 'resume';
  if (record.waitToken?.kind === 'approval') return 'approve';
  return undefined;
}

/**
 * Plays `schedule` on a fresh app of three versions (alias on 1, target 2) watched by one alarm,
 * then checks its end. The schedule's moments are simulated seconds after StartExecution.
 */
export async function playSchedule(ctx: E2E, schedule: Schedule, outsideWriter: LambdaClient): Promise<Played> {
  const { engine } = ctx;
  const clock = engine.clock;
  const app = await createApp(ctx.lambda, `fs-${schedule.kind}`, ['ok', 'ok', 'ok']);
  const alarm = await manualAlarm(ctx, 'OK', 'fs-alarm');
  const deploymentId = newDeploymentId();
  const request = { functionName: app.functionName, alias: app.alias, targetVersion: '2', strategy: schedule.strategy, alarms: [alarm] };
  const t0 = clock.now();
  const out = await ctx.sfn.send(new StartExecutionCommand({ stateMachineArn: engine.stateMachineArn, name: deploymentId, input: JSON.stringify(request) }));
  const execution = engine.sfn.describeExecution(out.executionArn!);
  let ended = false;
  const done = execution.done.then(() => {
    ended = true;
  });
  const at = (seconds: number) => clock.sleep(Math.max(0, seconds - (clock.now() - t0) / 1000));
  const played: Played = { deploymentId, executionStatus: 'RUNNING', faultsArmed: 0, actionsSent: 0, outsideWriteSent: false, violations: [] };
  const record = () => retrying(() => getDeployment(ctx.store, deploymentId));

  const moments: Promise<void>[] = [
    ...schedule.faults.map((f) =>
      at(f.at).then(async () => {
        if (ended) return;
        await armFault(engine, { ...f.fault, pathIncludes: f.fault.service === 'lambda' ? app.functionName : undefined } as FaultSpec);
        played.faultsArmed += 1;
      }),
    ),
    ...schedule.actions.map((a) =>
      at(a.at).then(async () => {
        if (ended) return;
        played.actionsSent += 1;
        // Refused (not allowed now) or lost: either is the operator's view, not the controller's end.
        await sendControl(ctx.target, deploymentId, a.action).catch(() => undefined);
      }),
    ),
  ];
  if (schedule.alarmAt !== undefined) {
    moments.push(at(schedule.alarmAt).then(async () => {
      if (!ended) await retrying(() => ctx.cloudwatch.send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: 'ALARM', StateReason: 'fault schedule' })));
    }));
  }
  const write = schedule.outsideWrite;
  if (write) {
    moments.push(at(write.at).then(async () => {
      const r = await record();
      // Only once Prepare has read the alias: before that the write is the alias Glidepath starts from.
      if (ended || !r || TERMINAL.has(r.status) || r.stepIndex < 0) return;
      const routing = outsideRouting(write);
      played.outsideWriteSent = true;
      played.outsideWriteAt = new Date(clock.now()).toISOString();
      await outsideWriter
        .send(new UpdateAliasCommand({ FunctionName: app.functionName, Name: app.alias, FunctionVersion: routing.version, RoutingConfig: { AdditionalVersionWeights: routing.weights }, Description: OUTSIDE_MARK }))
        .catch(() => undefined);
    }));
  }
  // After the last moment, an operator answers approvals and open pauses, as one would.
  const closing = (async () => {
    await at(schedule.span);
    while (!ended) {
      const action = closingAction(await record());
      if (action) await sendControl(ctx.target, deploymentId, action).catch(() => undefined);
      await Promise.race([clock.sleep(CLOSING_OPERATOR_SECONDS), done]);
    }
  })();

  // A deployment the operator has answered ends well within hours of the schedule's last moment.
  const late = clock.sleep(schedule.span + LATE_SECONDS).then(() => 'late' as const);
  const stuck = new Promise<'stuck'>((resolve) => setTimeout(resolve, STUCK_MS, 'stuck').unref());
  const how = await Promise.race([done.then(() => 'done' as const), late, stuck]);
  if (how !== 'done') {
    const r = await record();
    played.violations.push(
      `execution still RUNNING ${how === 'late' ? `${LATE_SECONDS / 3600} h (simulated) after the schedule's last moment` : `after ${STUCK_MS} ms real`}: ` +
        `record ${r?.status} at ${r?.weight}%, step ${r?.stepIndex}, wait ${r?.waitToken?.kind ?? 'none'}, signals ${JSON.stringify(r?.signals)}, last events ${JSON.stringify((await dynamoDeploymentHistory(ctx.store).history(deploymentId, 'events', { newestFirst: true, limit: 3 })).map((e) => e.message).reverse())}`,
    );
    await ctx.sfn.send(new StopExecutionCommand({ executionArn: out.executionArn!, error: 'FaultSchedule.Stuck' }));
    await done;
  }
  await Promise.all([...moments, closing]);
  await clearFaults(engine);

  // The watcher's ticks: an unfinished rollback is repaired, an execution that ended without Finish reconciled.
  for (let waited = 0; waited < SETTLE_SECONDS; waited += 60) {
    const r = await record();
    if (r && TERMINAL.has(r.status) && !r.repair && r.gsi2pk === undefined) break;
    await clock.sleep(60);
  }
  const d = await ctx.sfn.send(new DescribeExecutionCommand({ executionArn: out.executionArn! }));
  played.executionStatus = d.status ?? 'UNKNOWN';
  if (d.error) played.executionError = d.error;
  played.violations.push(...(await checkEnd(ctx, app, played, write)));
  return played;
}

// ---------------------------------------------------------------------------------------------
// The terminal invariant

async function checkEnd(ctx: E2E, app: App, played: Played, write: OutsideWrite | undefined): Promise<string[]> {
  const violations: string[] = [];
  const fail = (message: string) => violations.push(message);
  const record = await getDeployment(ctx.store, played.deploymentId);
  const alias = await aliasOf(ctx.lambda, app);
  const lock = await getLock(ctx.store, app.functionName, app.alias);
  const weights = await dynamoDeploymentHistory(ctx.store).history(played.deploymentId, 'weights');
  const status = played.executionStatus;

  if (status === 'RUNNING') fail('execution: still RUNNING');
  if (!record) return [...violations, 'record: missing'];
  const error = record.error?.code;
  if (!TERMINAL.has(record.status)) fail(`record.status: ${record.status}, not terminal`);
  if (record.repair) fail(`record.repair: still waiting for repair (${record.repair.attempts} tries, ${record.repair.lastError})`);
  if (record.gsi2pk !== undefined) fail('record.gsi2pk: still in the active index');
  if (status === 'SUCCEEDED' && record.status !== 'Succeeded') fail(`execution SUCCEEDED, record ${record.status}`);
  if (status === 'FAILED' && !['Failed', 'Stopped'].includes(record.status)) fail(`execution FAILED, record ${record.status}`);
  if (!['SUCCEEDED', 'FAILED'].includes(status)) fail(`execution: ${status}`);

  const landed = alias.description === OUTSIDE_MARK;
  const set = write ? outsideRouting(write) : undefined;
  const seen = `alias ${alias.version} ${JSON.stringify(alias.weights)}`;
  if (error === 'CONCURRENT_MODIFICATION') {
    if (!landed || !set) fail(`CONCURRENT_MODIFICATION without an outside write that landed (${seen})`);
    else if (alias.version !== set.version || JSON.stringify(alias.weights) !== JSON.stringify(set.weights)) fail(`CONCURRENT_MODIFICATION: ${seen}, not as the outside writer set it (${JSON.stringify(set)})`);
  } else {
    const expected = record.status === 'Succeeded' ? '2' : '1';
    const lastMove = weights.at(-1)?.at ?? '';
    const asSet = !!set && alias.version === set.version && JSON.stringify(alias.weights) === JSON.stringify(set.weights);
    // Written after the deployment's last move (while it finished): left alone, nothing to roll back.
    played.lateOutsideWrite = landed && asSet && played.outsideWriteAt !== undefined && played.outsideWriteAt >= lastMove;
    if (!played.lateOutsideWrite && (alias.version !== expected || Object.values(alias.weights).some((w) => w > 0))) {
      fail(`${record.status}${error ? ` (${error})` : ''}: ${seen}${landed ? ' (an outside write landed, unreported)' : ''}, expected version ${expected} alone`);
    }
    if (TERMINAL.has(record.status) && record.weight !== (record.status === 'Succeeded' ? 100 : 0)) fail(`record.weight: ${record.weight} for ${record.status}`);
  }
  if (lock) fail(`lock: still held by ${lock.deploymentId}`);

  const abortAt = record.signals?.abort;
  if (abortAt) {
    if (record.status === 'Succeeded') fail(`Succeeded after an abort accepted at ${abortAt}`);
    const after = weights.filter((w) => w.at > abortAt && w.weight > 0);
    if (after.length > 0) fail(`shifts after the abort accepted at ${abortAt}: ${JSON.stringify(after)}`);
  }
  // Prepare accepted the request: a Task refusing the state machine's own input is a broken contract.
  if (error === 'INVALID_REQUEST' && weights.length > 0) fail(`INVALID_REQUEST after the start: ${record.error?.message}`);
  const bytes = Buffer.byteLength(JSON.stringify(record));
  if (bytes > RECORD_ITEM_LIMIT_BYTES) fail(`record item: ${bytes} bytes, over ${RECORD_ITEM_LIMIT_BYTES}`);
  return violations;
}

// ---------------------------------------------------------------------------------------------
// Bad inputs

export interface BadInput {
  what: string;
  /** Applied to a valid request. */
  change: Record<string, unknown>;
  /** Fields the cause may start with (`<field>: <rule>`). */
  fields: string[];
}

const json = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 1 }));
const KNOWN = new Set(['functionName', 'alias', 'targetVersion', 'currentVersion', 'strategy', 'hooks', 'hookTimeoutSeconds', 'alarms', 'alarmPolicy', 'finalBake', 'windows', 'notifications', 'description', 'analysis', 'codeDeploy', 'source']);

export const badInputArb: fc.Arbitrary<BadInput> = fc.oneof(
  // Wrong types.
  fc.record({ field: fc.constantFrom('functionName', 'alias', 'targetVersion', 'hookTimeoutSeconds', 'alarms', 'description', 'strategy'), value: json }).filter(({ field, value }) => !(field === 'alarms' && Array.isArray(value) && value.length === 0) && !(field === 'strategy' && value === null)).map(({ field, value }) => ({
    what: `${field} of the wrong type`,
    change: { [field]: field === 'alarms' && Array.isArray(value) ? value : field === 'hookTimeoutSeconds' ? String(value) : value },
    fields: [field, `${field}[0]`, 'request'],
  })),
  // Out-of-range numbers.
  fc.oneof(
    fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 43_201 })).map((n) => ({ what: `hookTimeoutSeconds ${n}`, change: { hookTimeoutSeconds: n }, fields: ['hookTimeoutSeconds'] })),
    fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 100 })).map((n) => ({ what: `canary percentage ${n}`, change: { strategy: { type: 'TimeBasedCanary', percentage: n, intervalMinutes: 5 } }, fields: ['strategy.percentage'] })),
    fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 101 })).map((n) => ({ what: `setWeight ${n}`, change: { strategy: { steps: [{ setWeight: n }] } }, fields: ['strategy.steps[0].setWeight'] })),
    fc.integer({ min: 366 * 24 * 60, max: 10_000_000 }).map((m) => ({ what: `a bake of ${m} minutes`, change: { strategy: { steps: [{ setWeight: 10 }, { bake: `${m}m` }] } }, fields: ['strategy.steps[1].bake', 'strategy'] })),
    fc.integer({ min: 15, max: 10_000 }).map((d) => ({ what: `a final bake of ${d} days`, change: { finalBake: `${d * 24}h` }, fields: ['finalBake'] })),
  ),
  // Unknown fields.
  fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !KNOWN.has(k) && /^[A-Za-z]/.test(k)).map((k) => ({ what: `the unknown field ${JSON.stringify(k)}`, change: { [k]: 1 }, fields: [k, `[${JSON.stringify(k)}]`] })),
  // Oversized lists.
  fc.integer({ min: 101, max: 300 }).map((n) => ({ what: `${n} alarms`, change: { alarms: Array.from({ length: n }, (_, i) => `alarm-${i}`) }, fields: ['alarms'] })),
  // Qualified names.
  fc.constantFrom(':live', ':1', ':$LATEST').map((q) => ({ what: `a function name qualified with ${q}`, change: { qualify: q }, fields: ['functionName'] })),
  // Huge strings.
  fc.oneof(
    fc.integer({ min: 1025, max: 4000 }).map((n) => ({ what: `a description of ${n} characters`, change: { description: 'd'.repeat(n) }, fields: ['description'] })),
    fc.integer({ min: 256, max: 2000 }).map((n) => ({ what: `an alarm name of ${n} characters`, change: { alarms: ['a'.repeat(n)] }, fields: ['alarms[0]', 'alarms'] })),
    fc.integer({ min: 66_000, max: 200_000 }).map((n) => ({ what: `a request of ${n} bytes`, change: { alarms: Array.from({ length: Math.ceil(n / 250) }, (_, i) => `${i}-${'x'.repeat(240)}`) }, fields: ['request', 'alarms'] })),
  ),
);

export interface Refusal {
  violations: string[];
  cause?: string;
}

/** Starts `bad` on `app` as the CLI would; it must be refused naming a field of `bad.fields`, with nothing changed. */
export async function tryBadInput(ctx: E2E, app: App, bad: BadInput): Promise<Refusal> {
  const violations: string[] = [];
  const before = await aliasOf(ctx.lambda, app);
  const beforeRevision = (await ctx.lambda.send(new GetAliasCommand({ FunctionName: app.functionName, Name: app.alias }))).RevisionId;
  const { qualify, ...change } = bad.change as { qualify?: string };
  const request = { functionName: app.functionName + (qualify ?? ''), alias: app.alias, targetVersion: '2', strategy: 'AllAtOnce', ...change };
  const id = newDeploymentId();
  const out = await ctx.sfn.send(new StartExecutionCommand({ stateMachineArn: ctx.engine.stateMachineArn, name: id, input: JSON.stringify(request) }));
  await ctx.engine.sfn.describeExecution(out.executionArn!).done;
  const d = await ctx.sfn.send(new DescribeExecutionCommand({ executionArn: out.executionArn! }));
  const cause = d.cause ?? '';
  if (d.status !== 'FAILED') violations.push(`${bad.what}: execution ${d.status}, not refused`);
  if (!bad.fields.some((field) => cause.startsWith(`${field}:`))) violations.push(`${bad.what}: the cause names none of ${bad.fields.join(', ')}: ${cause.slice(0, 200)}`);
  const after = await aliasOf(ctx.lambda, app);
  const afterRevision = (await ctx.lambda.send(new GetAliasCommand({ FunctionName: app.functionName, Name: app.alias }))).RevisionId;
  if (JSON.stringify(after) !== JSON.stringify(before) || afterRevision !== beforeRevision) violations.push(`${bad.what}: the alias changed`);
  if (await getLock(ctx.store, app.functionName, app.alias)) violations.push(`${bad.what}: a lock was left`);
  const weights = await dynamoDeploymentHistory(ctx.store).history(id, 'weights');
  if (weights.length > 0) violations.push(`${bad.what}: weights recorded ${JSON.stringify(weights)}`);
  return { violations, cause };
}
