/**
 * Step Functions' execution history (GetExecutionHistory), written per execution from
 * aws-local-stepfunctions' event log and from the engine's Task bindings (bindings.ts), with the
 * event types and details of the API reference: `<Type>StateEntered/Exited` for every state kind,
 * LambdaFunctionScheduled/Started/Succeeded/Failed/TimedOut for Tasks on a function ARN, and
 * TaskScheduled/Started/Submitted/Succeeded/Failed/TimedOut for service integrations (Submitted:
 * `.waitForTaskToken` once the function was invoked). No event of a type AWS lacks: a Choice that
 * matches nothing fails the execution without a state event; retries and catches have none.
 *
 * One counter per execution enforces the hard quota (shared/core/history-events.ts): the 25,000th
 * event must end the execution, or it is an ExecutionFailed (`States.Runtime`) and the execution ends.
 *
 * Memory is bounded: a detail's input or output is JSON text of at most 256 KiB (longer is dropped,
 * `truncated: true`, as Step Functions truncates), and one execution holds at most
 * MAX_DETAIL_CHARS of it: beyond that the oldest events' texts are dropped (`""`, `truncated: true`),
 * so the latest states' data, what readers of a running deployment look at, stays. The event count
 * is bounded by the 25,000-event quota above.
 */
import { MAX_HISTORY_EVENTS } from '../../../shared/core/history-events.ts';

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

interface EngineEvent {
  type: string;
  input?: unknown;
  output?: unknown;
  Error?: string;
  Cause?: unknown;
  state?: { name: string; type: string; input: unknown; output?: unknown };
}

/** What a Task binding reports: one of the Task's own events. */
export interface TaskEvent {
  state: string;
  phase: 'scheduled' | 'started' | 'submitted' | 'succeeded' | 'failed' | 'timedOut';
  /** `lambda` for a function ARN, else the integration's resource (`invoke`, `invoke.waitForTaskToken`). */
  integration: 'function' | 'invoke' | 'invoke.waitForTaskToken';
  resource: string;
  region: string;
  value?: unknown;
  error?: string;
  cause?: string;
  timeoutSeconds?: number;
}

const json = (value: unknown) => JSON.stringify(value ?? null);
const causeText = (value: unknown) => (typeof value === 'string' ? value : json(value));
const FINAL = new Set(['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut']);

/** Longest input or output text one event keeps (Step Functions' payload limit, 256 KiB). */
export const MAX_DETAIL_CHARS_PER_EVENT = 256 * 1024;
/** Input and output text one execution's history keeps in all; older events' texts go first. */
export const MAX_DETAIL_CHARS = 512 * 1024;

interface HeldDetail {
  holder: Record<string, unknown>;
  key: string;
  detailsKey?: string;
  chars: number;
}

/** The input and output texts of one history, held within MAX_DETAIL_CHARS. */
class DetailBudget {
  #chars = 0;
  readonly #held: HeldDetail[] = [];
  #first = 0;

  get chars(): number {
    return this.#chars;
  }

  /** Details whose `key` is the JSON text of `value` (empty and `truncated` when too long). */
  detail(fields: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
    const detailsKey = key === 'input' || key === 'parameters' ? (key === 'input' ? 'inputDetails' : undefined) : 'outputDetails';
    let text = json(value);
    const truncated = text.length > MAX_DETAIL_CHARS_PER_EVENT;
    if (truncated) text = '';
    const holder: Record<string, unknown> = { ...fields, [key]: text, ...(detailsKey ? { [detailsKey]: { truncated } } : {}) };
    if (text.length > 0) {
      this.#held.push({ holder, key, ...(detailsKey ? { detailsKey } : {}), chars: text.length });
      this.#chars += text.length;
      while (this.#chars > MAX_DETAIL_CHARS && this.#first < this.#held.length) this.#drop(this.#held[this.#first++]!);
      if (this.#first > 1024 && this.#first * 2 > this.#held.length) this.#held.splice(0, this.#first), (this.#first = 0);
    }
    return holder;
  }

  #drop(d: HeldDetail): void {
    d.holder[d.key] = d.key === 'parameters' ? '{}' : '';
    if (d.detailsKey) d.holder[d.detailsKey] = { truncated: true };
    this.#chars -= d.chars;
  }
}

const CAP = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export class ExecutionHistory {
  readonly events: HistoryEvent[] = [];
  /** Task events waiting for their state's Entered event (the library's log reaches us a little later). */
  readonly #waiting = new Map<string, TaskEvent[]>();
  readonly #entered = new Set<string>();
  readonly #details = new DetailBudget();
  #full = false;

  /** Input and output text this history holds (at most MAX_DETAIL_CHARS). */
  get detailChars(): number {
    return this.#details.chars;
  }

  constructor(
    readonly clock: { now(): number },
    readonly context: { roleArn: string; stopped(): { error?: string; cause?: string } },
    /** Called once when the quota is reached: the execution must end, failed. */
    readonly onQuota: (error: string, cause: string) => void,
  ) {}

  /** An event of aws-local-stepfunctions' log. */
  engineEvent(raw: unknown): void {
    const e = raw as EngineEvent;
    const state = e.state;
    switch (e.type) {
      case 'ExecutionStarted':
        return this.#add('ExecutionStarted', { executionStartedEventDetails: this.#detail({ roleArn: this.context.roleArn }, 'input', e.input) });
      case 'ExecutionSucceeded':
        return this.#add('ExecutionSucceeded', { executionSucceededEventDetails: this.#detail({}, 'output', e.output) });
      case 'ExecutionFailed':
        return this.#add('ExecutionFailed', { executionFailedEventDetails: { error: e.Error, cause: causeText(e.Cause) } });
      case 'ExecutionAborted': {
        const { error, cause } = this.context.stopped();
        return this.#add('ExecutionAborted', { executionAbortedEventDetails: { ...(error === undefined ? {} : { error }), ...(cause === undefined ? {} : { cause }) } });
      }
      case 'ExecutionTimeout':
        return this.#add('ExecutionTimedOut', { executionTimedOutEventDetails: { error: 'States.Timeout', cause: 'The execution timed out' } });
      case 'StateEntered': {
        this.#add(`${state!.type}StateEntered`, { stateEnteredEventDetails: this.#detail({ name: state!.name }, 'input', state!.input) });
        this.#entered.add(state!.name);
        for (const t of this.#waiting.get(state!.name) ?? []) this.#taskEvent(t);
        this.#waiting.delete(state!.name);
        return;
      }
      case 'StateExited':
        this.#entered.delete(state!.name);
        return this.#add(`${state!.type}StateExited`, { stateExitedEventDetails: this.#detail({ name: state!.name }, 'output', state!.output) });
      default:
        // StateFailed, StateRetried, StateCaught: no events of their own on AWS (a Task's failure
        // is its LambdaFunctionFailed / TaskFailed, written by its binding).
        return;
    }
  }

  /** One of a Task's own events, from its binding. */
  task(t: TaskEvent): void {
    if (!this.#entered.has(t.state)) {
      const queue = this.#waiting.get(t.state) ?? [];
      queue.push(t);
      this.#waiting.set(t.state, queue);
      return;
    }
    this.#taskEvent(t);
  }

  #taskEvent(t: TaskEvent): void {
    if (t.integration === 'function') {
      const type = `LambdaFunction${CAP(t.phase === 'timedOut' ? 'timedOut' : t.phase)}`;
      const key = `lambdaFunction${CAP(t.phase)}EventDetails`;
      switch (t.phase) {
        case 'scheduled':
          return this.#add('LambdaFunctionScheduled', {
            [key]: this.#detail({ resource: t.resource, ...(t.timeoutSeconds === undefined ? {} : { timeoutInSeconds: t.timeoutSeconds }) }, 'input', t.value),
          });
        case 'started':
          return this.#add('LambdaFunctionStarted', {});
        case 'succeeded':
          return this.#add('LambdaFunctionSucceeded', { [key]: this.#detail({}, 'output', t.value) });
        default:
          return this.#add(type === 'LambdaFunctionTimedOut' ? 'LambdaFunctionTimedOut' : 'LambdaFunctionFailed', { [key]: { error: t.error, cause: t.cause } });
      }
    }
    const base = { resourceType: 'lambda', resource: t.integration };
    const key = `task${CAP(t.phase)}EventDetails`;
    switch (t.phase) {
      case 'scheduled': {
        const details = this.#detail({ ...base, region: t.region, ...(t.timeoutSeconds === undefined ? {} : { timeoutInSeconds: t.timeoutSeconds }) }, 'parameters', t.value);
        return this.#add('TaskScheduled', { [key]: details });
      }
      case 'started':
        return this.#add('TaskStarted', { [key]: base });
      case 'submitted':
        return this.#add('TaskSubmitted', { [key]: this.#detail(base, 'output', t.value) });
      case 'succeeded':
        return this.#add('TaskSucceeded', { [key]: this.#detail(base, 'output', t.value) });
      case 'timedOut':
        return this.#add('TaskTimedOut', { [key]: { ...base, error: t.error, cause: t.cause } });
      default:
        return this.#add('TaskFailed', { [key]: { ...base, error: t.error, cause: t.cause } });
    }
  }

  #detail(fields: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
    return this.#details.detail(fields, key, value);
  }

  #add(type: string, details: Record<string, unknown>): void {
    if (this.#full) return;
    const id = this.events.length + 1;
    if (id === MAX_HISTORY_EVENTS && !FINAL.has(type)) {
      // The quota: the last event it allows ends the execution.
      this.#full = true;
      const error = 'States.Runtime';
      const cause = `The execution reached the maximum number of history events (${MAX_HISTORY_EVENTS}).`;
      this.events.push({ id, previousEventId: id - 1, timestamp: this.clock.now(), type: 'ExecutionFailed', executionFailedEventDetails: { error, cause } });
      this.onQuota(error, cause);
      return;
    }
    this.events.push({ id, previousEventId: id - 1, timestamp: this.clock.now(), type, ...details });
    if (FINAL.has(type)) this.#full = true;
  }
}
