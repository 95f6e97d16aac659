/**
 * Binds the Task, Wait and Retry states of a definition to the local engine, per execution:
 * - a Task whose Resource is a Lambda ARN, `lambda:invoke` or `lambda:invoke.waitForTaskToken`
 *   calls the function through the engine's invoker (controller handlers in process, user
 *   functions through the local Lambda endpoint);
 * - `.waitForTaskToken` Tasks get a real token in place of `$$.Task.Token` and settle when the
 *   token is answered or its timeout passes on the engine's clock;
 * - Wait and Retry intervals are scaled to the clock's speed.
 */
import type { Clock } from '../../../shared/core/ports/clock.ts';
import { TaskFailure, type TaskTokens } from './tokens.ts';

export const TOKEN_PLACEHOLDER = '__glidepath_local_task_token__';

/** Invokes a function by name or ARN with a JSON payload; rejects with `name` = errorType. */
export type Invoker = (functionNameOrArn: string, payload: unknown) => Promise<unknown>;

export interface EngineClock extends Clock {
  /** Simulated seconds per real second. */
  readonly speed: number;
}

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
}

export function bindExecution(def: Definition, ctx: BindingContext): Overrides {
  const overrides: Overrides = { taskResourceLocalHandlers: {}, waitTimeOverrides: {}, retryIntervalOverrides: {} };
  // The last output each ResultPath received, so a Wait's SecondsPath can be read on our clock.
  const lastByResultPath = new Map<string, unknown>();

  for (const [name, state] of allStates(def)) {
    if (state.Type === 'Task') {
      const resource = String(state.Resource);
      const resultPath = typeof state.ResultPath === 'string' ? state.ResultPath : '$';
      const run = async (input: JSONValue): Promise<JSONValue> => {
        const output = await runTask(resource, state, input, ctx);
        lastByResultPath.set(resultPath, output);
        return output as JSONValue;
      };
      overrides.taskResourceLocalHandlers[name] = run;
      const retriers = (state.Retry as { IntervalSeconds?: number }[] | undefined) ?? [];
      if (retriers.length > 0 && ctx.clock.speed !== 1) {
        overrides.retryIntervalOverrides[name] = retriers.map((r) => ctx.realMs(r.IntervalSeconds ?? 1));
      }
    } else if (state.Type === 'Wait') {
      Object.defineProperty(overrides.waitTimeOverrides, name, {
        enumerable: true,
        get: () => {
          const seconds = waitSeconds(state, lastByResultPath, ctx.clock);
          return seconds === undefined ? undefined : ctx.realMs(seconds);
        },
      });
    }
  }
  return overrides;
}

function waitSeconds(state: StateDef, last: Map<string, unknown>, clock: Clock): number | undefined {
  if (typeof state.Seconds === 'number') return state.Seconds;
  if (typeof state.Timestamp === 'string') return Math.max(0, (Date.parse(state.Timestamp) - clock.now()) / 1000);
  const path = (state.SecondsPath ?? state.TimestampPath) as string | undefined;
  if (!path) return undefined;
  // `$.health.waitSeconds` → the output last written at ResultPath `$.health`, field `waitSeconds`.
  const parts = path.split('.');
  const field = parts.pop()!;
  const source = last.get(parts.join('.')) as Record<string, unknown> | undefined;
  const value = source?.[field];
  if (state.SecondsPath) return typeof value === 'number' ? value : undefined;
  return typeof value === 'string' ? Math.max(0, (Date.parse(value) - clock.now()) / 1000) : undefined;
}

async function runTask(resource: string, state: StateDef, input: JSONValue, ctx: BindingContext): Promise<unknown> {
  if (resource === WAIT_FOR_TOKEN) return runWaitForToken(state, input, ctx);
  if (resource === LAMBDA_INVOKE) {
    const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
    const payload = await ctx.invoke(FunctionName, Payload);
    return { Payload: payload, StatusCode: 200 };
  }
  return ctx.invoke(resource, input);
}

async function runWaitForToken(state: StateDef, input: JSONValue, ctx: BindingContext): Promise<unknown> {
  const { FunctionName, Payload } = input as { FunctionName: string; Payload: Record<string, unknown> };
  const { token, settled } = ctx.tokens.issue(ctx.executionArn);
  const timeoutSeconds = taskTimeoutSeconds(state, input);
  let timer: NodeJS.Timeout | undefined;
  if (timeoutSeconds !== undefined) {
    timer = setTimeout(
      () => ctx.tokens.expire(token, new TaskFailure('States.Timeout', 'Task timed out waiting for its token')),
      ctx.realMs(timeoutSeconds),
    );
  }
  try {
    // The invocation returns at once on AWS; its failure fails the Task without waiting for the token.
    await ctx.invoke(FunctionName, replaceToken(Payload, token));
    return await settled;
  } catch (error) {
    ctx.tokens.expire(token, error as Error);
    throw error;
  } finally {
    if (timer) clearTimeout(timer);
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
 * from bindExecution on the engine's clock instead, so the library's own is lifted.
 */
export function forLocalRun(def: Definition): Definition {
  const copy = structuredClone(def);
  for (const [, state] of allStates(copy)) {
    if (state.Type === 'Task' && state.Resource === WAIT_FOR_TOKEN) {
      delete state.TimeoutSecondsPath;
      state.TimeoutSeconds = MAX_TIMER_SECONDS;
    }
  }
  return copy;
}
