/**
 * Binds the Task, Wait and Retry states of a definition to the local engine, per execution:
 * - a Task whose Resource is a Lambda ARN, `lambda:invoke` or `lambda:invoke.waitForTaskToken`
 *   calls the function through the engine's invoker (controller handlers in process, user
 *   functions through the local Lambda endpoint);
 * - `.waitForTaskToken` Tasks get a real token in place of `$$.Task.Token` and settle when the
 *   token is answered or its timeout passes on the engine's clock;
 * - Wait states sleep on the engine's clock (so virtual time can jump over them): forLocalRun
 *   hands them to aws-local-stepfunctions as Tasks of a local resource, bound here to a sleep
 *   of the state's Seconds / Timestamp / SecondsPath / TimestampPath; history shows them as Waits;
 * - Retry intervals are scaled to the clock's speed.
 */
import type { Clock } from '../../../shared/core/ports/clock.ts';
import type { EngineClock } from '../clock.ts';
import type { TaskEvent } from './history.ts';
import { TaskFailure, type TaskTokens } from './tokens.ts';

export type { EngineClock };

export const TOKEN_PLACEHOLDER = '__glidepath_local_task_token__';

/** Invokes a function by name or ARN with a JSON payload; rejects with `name` = errorType. */
export type Invoker = (functionNameOrArn: string, payload: unknown) => Promise<unknown>;

type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };
type StateDef = Record<string, unknown> & { Type: string };
export interface Definition {
  StartAt: string;
  States: Record<string, StateDef>;
}

export interface Overrides {
  taskResourceLocalHandlers: Record<string, (input: JSONValue) => Promise<JSONValue>>;
  waitTimeOverrides: Record<string, number>;
  retryIntervalOverrides: Record<string, number[]>;
}

const WAIT_FOR_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
/** The resource forLocalRun gives a Wait state run as a Task (bound by state name, never invoked). */
const LOCAL_WAIT = 'arn:aws:lambda:us-east-1:000000000000:function:glidepath-local-wait';
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

function replaceToken(value: unknown, token: string): unknown {
  if (value === TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((v) => replaceToken(v, token));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceToken(v, token)]));
  }
  return value;
}

/** Every state of a definition, nested Map/Parallel states included. */
function* allStates(def: Definition): Generator<[string, StateDef]> {
  for (const [name, state] of Object.entries(def.States)) {
    yield [name, state];
    for (const branch of (state.Branches as Definition[] | undefined) ?? []) yield* allStates(branch);
    const iterator = (state.ItemProcessor ?? state.Iterator) as Definition | undefined;
    if (iterator) yield* allStates(iterator);
  }
}

export interface BindingContext {
  executionArn: string;
  invoke: Invoker;
  tokens: TaskTokens;
  clock: EngineClock;
  /** Real milliseconds to wait for `seconds` of simulated time. */
  realMs: (seconds: number) => number;
  /** Aborted when the execution ends: its sleeps stop waiting. */
  signal?: AbortSignal;
  region?: string;
  /** Told of each Task's own history events (scheduled, started, submitted, succeeded, failed, timed out). */
  emit?: (event: TaskEvent) => void;
}

export function bindExecution(def: Definition, ctx: BindingContext): Overrides {
  const overrides: Overrides = { taskResourceLocalHandlers: {}, waitTimeOverrides: {}, retryIntervalOverrides: {} };
  for (const [name, state] of allStates(def)) {
    if (state.Type === 'Task') {
      const resource = String(state.Resource);
      overrides.taskResourceLocalHandlers[name] = async (input) => (await runTask(name, resource, state, input, ctx)) as JSONValue;
      const retriers = (state.Retry as { IntervalSeconds?: number }[] | undefined) ?? [];
      if (retriers.length > 0 && ctx.clock.speed !== 1) {
        overrides.retryIntervalOverrides[name] = retriers.map((r) => ctx.realMs(r.IntervalSeconds ?? 1));
      }
    } else if (state.Type === 'Wait') {
      overrides.taskResourceLocalHandlers[name] = async (input) => {
        const seconds = waitSeconds(state, input, ctx.clock);
        // A clock that only `advance` moves (tests) passes Waits at once, as it always has.
        if (seconds > 0 && (ctx.clock.virtual || ctx.clock.speed !== Infinity)) await ctx.clock.sleep(seconds, ctx.signal ? { signal: ctx.signal } : {});
        return input;
      };
    }
  }
  return overrides;
}

/** `$.a.b` of a value (the paths Wait states use: no filters, no wildcards). */
function readPath(value: unknown, path: string): unknown {
  if (path === '$') return value;
  let at = value;
  for (const key of path.replace(/^\$\.?/, '').split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function waitSeconds(state: StateDef, input: unknown, clock: Clock): number {
  const until = (timestamp: unknown) => (typeof timestamp === 'string' ? Math.max(0, (Date.parse(timestamp) - clock.now()) / 1000) : 0);
  if (typeof state.Seconds === 'number') return state.Seconds;
  if (typeof state.Timestamp === 'string') return until(state.Timestamp);
  if (typeof state.SecondsPath === 'string') {
    const value = readPath(input, state.SecondsPath);
    return typeof value === 'number' ? value : 0;
  }
  if (typeof state.TimestampPath === 'string') return until(readPath(input, state.TimestampPath));
  return 0;
}

async function runTask(name: string, resource: string, state: StateDef, input: JSONValue, ctx: BindingContext): Promise<unknown> {
  const integration: TaskEvent['integration'] = resource === WAIT_FOR_TOKEN ? 'invoke.waitForTaskToken' : resource === LAMBDA_INVOKE ? 'invoke' : 'function';
  const timeoutSeconds = integration === 'invoke.waitForTaskToken' ? taskTimeoutSeconds(state, input) : typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
  const emit = (phase: TaskEvent['phase'], more: Partial<TaskEvent> = {}) =>
    ctx.emit?.({ state: name, phase, integration, resource, region: ctx.region ?? 'us-east-1', ...more });
  emit('scheduled', { value: input, ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }) });
  emit('started');
  try {
    let output: unknown;
    if (integration === 'invoke.waitForTaskToken') output = await runWaitForToken(state, input, ctx, (submitted) => emit('submitted', { value: submitted }));
    else if (integration === 'invoke') {
      const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
      output = { Payload: await ctx.invoke(FunctionName, Payload), StatusCode: 200 };
    } else output = await ctx.invoke(resource, input);
    emit('succeeded', { value: output });
    return output;
  } catch (error) {
    const e = error as Error & { error?: string; cause?: string };
    const errorName = e.error ?? e.name ?? 'Error';
    emit(errorName === 'States.Timeout' ? 'timedOut' : 'failed', { error: errorName, cause: e.cause ?? e.message });
    throw error;
  }
}

async function runWaitForToken(state: StateDef, input: JSONValue, ctx: BindingContext, submitted: (invocation: unknown) => void): Promise<unknown> {
  const { FunctionName, Payload } = input as { FunctionName: string; Payload: Record<string, unknown> };
  const { token, settled } = ctx.tokens.issue(ctx.executionArn);
  const timeoutSeconds = taskTimeoutSeconds(state, input);
  // The timeout is a deadline on the engine's clock (virtual time jumps to it if nothing else happens).
  const timer = new AbortController();
  const stop = () => timer.abort();
  ctx.signal?.addEventListener('abort', stop, { once: true });
  if (timeoutSeconds !== undefined) {
    void ctx.clock.sleep(timeoutSeconds, { signal: timer.signal }).then(() => {
      if (!timer.signal.aborted) ctx.tokens.expire(token, new TaskFailure('States.Timeout', 'Task timed out waiting for its token'));
    });
  }
  try {
    // The invocation returns at once on AWS; its failure fails the Task without waiting for the token.
    const payload = await ctx.invoke(FunctionName, replaceToken(Payload, token));
    submitted({ Payload: payload, StatusCode: 200 });
    return await settled;
  } catch (error) {
    ctx.tokens.expire(token, error as Error);
    throw error;
  } finally {
    timer.abort();
    ctx.signal?.removeEventListener('abort', stop);
  }
}

/**
 * A Task's timeout. Step Functions resolves TimeoutSecondsPath against the state's raw input,
 * which a local handler does not see; the path's value is found through the Parameters entry
 * that copies it (e.g. `"timeoutSeconds.$": "$.plan.hookTimeoutSeconds"`).
 */
export function taskTimeoutSeconds(state: StateDef, input: JSONValue): number | undefined {
  if (typeof state.TimeoutSeconds === 'number') return state.TimeoutSeconds;
  const path = state.TimeoutSecondsPath;
  if (typeof path !== 'string') return undefined;
  const found = findCopy(state.Parameters, input, path);
  return typeof found === 'number' ? found : undefined;
}

function findCopy(template: unknown, value: unknown, path: string): unknown {
  if (!template || typeof template !== 'object' || !value || typeof value !== 'object') return undefined;
  for (const [key, entry] of Object.entries(template)) {
    if (key.endsWith('.$') && entry === path) return (value as Record<string, unknown>)[key.slice(0, -2)];
    const nested = findCopy(entry, (value as Record<string, unknown>)[key], path);
    if (nested !== undefined) return nested;
  }
  return undefined;
}

/** Longest timer Node can set (about 24.8 days); longer ones would fire at once. */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/**
 * The definition as aws-local-stepfunctions should run it. The library resolves
 * TimeoutSecondsPath against the Task's processed input (not the raw state input, as Step
 * Functions does) and counts timeouts in real time; `.waitForTaskToken` Tasks get their timeout
 * from bindExecution on the engine's clock instead, so the library's own is lifted. Wait states
 * become Tasks that bindExecution binds to a sleep on the engine's clock.
 */
export function forLocalRun(def: Definition): Definition {
  const copy = structuredClone(def);
  for (const [, state] of allStates(copy)) {
    if (state.Type === 'Task' && state.Resource === WAIT_FOR_TOKEN) {
      delete state.TimeoutSecondsPath;
      state.TimeoutSeconds = MAX_TIMER_SECONDS;
    }
    if (state.Type === 'Wait') {
      // Run as a Task bound to a sleep on the engine clock (bindExecution); same paths, same transitions.
      for (const key of ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath']) delete state[key];
      Object.assign(state, { Type: 'Task', Resource: LOCAL_WAIT, TimeoutSeconds: MAX_TIMER_SECONDS });
    }
  }
  return copy;
}

/** The names of a definition's Wait states (their history events are Wait events, not Task ones). */
export function waitStateNames(def: Definition): Set<string> {
  return new Set([...allStates(def)].filter(([, s]) => s.Type === 'Wait').map(([name]) => name));
}
