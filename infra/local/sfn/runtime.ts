/**
 * The local Step Functions service: state machines and executions run by aws-local-stepfunctions,
 * with Tasks bound to the engine's functions (bindings.ts) and time on the engine's clock.
 * The wire layer (wire.ts) maps the Step Functions API onto this class.
 *
 * Ended executions are kept for Describe/List/GetExecutionHistory while they are among the latest
 * MAX_ENDED_EXECUTIONS to end and their histories' texts together stay under MAX_ENDED_DETAIL_CHARS;
 * older ones are forgotten (ExecutionDoesNotExist), as Step Functions forgets closed executions
 * after its retention period. Running executions are always kept.
 */
import '../polyfill.ts';
import { StateMachine } from 'aws-local-stepfunctions';
import { randomUUID } from 'node:crypto';
import { bindExecution, forLocalRun, TOKEN_PLACEHOLDER, waitStateNames, type Definition, type EngineClock, type Invoker } from './bindings.ts';
import { TaskFailure, TaskTokens } from './tokens.ts';
import { ExecutionHistory, type HistoryEvent } from './history.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export class SfnError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export interface StateMachineRecord {
  arn: string;
  name: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD' | 'EXPRESS';
  creationDate: number;
  machine: StateMachine;
  parsed: Definition;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
  /** Input/output text the history holds (bounded per execution, see history.ts). */
  historyChars(): number;
  abort: () => void;
  done: Promise<void>;
}

export interface LocalSfnOptions {
  region: string;
  accountId: string;
  clock: EngineClock;
  invoke: Invoker;
  /** Told when an execution ends (any status but RUNNING): where Step Functions' status events come from. */
  onExecutionEnd?: (execution: ExecutionRecord) => void;
}

/** How many ended executions are kept. */
export const MAX_ENDED_EXECUTIONS = 1000;
/** Input/output text the kept ended executions' histories may hold together. */
export const MAX_ENDED_DETAIL_CHARS = 64 * 1024 * 1024;

const NAME = /^[a-zA-Z0-9_-]{1,80}$/;

export class LocalStepFunctions {
  readonly tokens = new TaskTokens();
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  /** Ended executions, oldest first, with the history text each held when it ended. */
  readonly #ended: Array<{ arn: string; chars: number }> = [];
  #endedChars = 0;

  constructor(private readonly options: LocalSfnOptions) {}

  createStateMachine(input: { name: string; definition: string; roleArn?: string; type?: string }): StateMachineRecord {
    if (!NAME.test(input.name ?? '')) throw new SfnError('InvalidName', `Invalid Name: '${input.name}'`);
    const arn = `arn:aws:states:${this.options.region}:${this.options.accountId}:stateMachine:${input.name}`;
    const existing = this.machines.get(arn);
    if (existing) {
      if (existing.definition === input.definition) return existing;
      throw new SfnError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    let parsed: Definition;
    let machine: StateMachine;
    try {
      parsed = JSON.parse(input.definition) as Definition;
      machine = new StateMachine(forLocalRun(parsed) as never, { validationOptions: { checkArn: false } });
    } catch (error) {
      throw new SfnError('InvalidDefinition', `Invalid State Machine Definition: ${(error as Error).message}`);
    }
    const record: StateMachineRecord = {
      arn,
      name: input.name,
      definition: input.definition,
      roleArn: input.roleArn ?? `arn:aws:iam::${this.options.accountId}:role/glidepath-local`,
      type: input.type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
      creationDate: this.options.clock.now(),
      machine,
      parsed,
    };
    this.machines.set(arn, record);
    return record;
  }

  describeStateMachine(arn: string): StateMachineRecord {
    const record = this.machines.get(arn);
    if (!record) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return record;
  }

  listStateMachines(): StateMachineRecord[] {
    return [...this.machines.values()];
  }

  startExecution(input: { stateMachineArn: string; name?: string; input?: string }): ExecutionRecord {
    const sm = this.describeStateMachine(input.stateMachineArn);
    const name = input.name ?? randomUUID();
    if (!NAME.test(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
    const rawInput = input.input ?? '{}';
    let parsedInput: unknown;
    try {
      parsedInput = JSON.parse(rawInput);
    } catch {
      throw new SfnError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
    }
    const executionArn = `arn:aws:states:${this.options.region}:${this.options.accountId}:execution:${sm.name}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // Step Functions makes StartExecution idempotent for the same name and input.
      if (existing.input === rawInput && existing.status === 'RUNNING') return existing;
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }

    const { clock } = this.options;
    const startDate = clock.now();
    const ended = new AbortController();
    // `record` is read only once the run has events to write, after it is made below.
    let record: ExecutionRecord;
    const writer = new ExecutionHistory(
      clock,
      { roleArn: sm.roleArn, stopped: () => ({ ...(record.error === undefined ? {} : { error: record.error }), ...(record.cause === undefined ? {} : { cause: record.cause }) }) },
      (error, cause) => this.#quotaReached(record, error, cause),
    );

    const overrides = bindExecution(sm.parsed, {
      executionArn,
      invoke: this.options.invoke,
      tokens: this.tokens,
      clock,
      realMs: (seconds) => (clock.speed === Infinity ? 0 : (seconds * 1000) / clock.speed),
      signal: ended.signal,
      region: this.options.region,
      emit: (event) => writer.task(event),
    });
    const waits = waitStateNames(sm.parsed);
    const context = {
      Execution: { Id: executionArn, Name: name, StartTime: new Date(startDate).toISOString(), RoleArn: sm.roleArn },
      StateMachine: { Id: sm.arn, Name: sm.name },
      Task: { Token: TOKEN_PLACEHOLDER },
    };
    const run = sm.machine.run(parsedInput as never, { overrides: overrides as never, context: context as never });
    record = {
      executionArn,
      stateMachineArn: sm.arn,
      name,
      status: 'RUNNING',
      startDate,
      input: rawInput,
      history: writer.events,
      historyChars: () => writer.detailChars,
      abort: run.abort,
      done: Promise.resolve(),
    };
    this.executions.set(executionArn, record);

    const history = (async () => {
      for await (const event of run.eventLogs) {
        // Wait states run as local Tasks (bindings.ts); their events are Wait events.
        const state = (event as { state?: { name: string; type: string } }).state;
        if (state && waits.has(state.name)) state.type = 'Wait';
        writer.engineEvent(event);
      }
    })().catch(() => undefined);

    record.done = run.result.then(
      (output) => {
        if (record.status !== 'RUNNING') return;
        record.status = 'SUCCEEDED';
        record.output = JSON.stringify(output ?? null);
        record.stopDate = clock.now();
        this.#onEnded(record);
      },
      (error: Error & { cause?: unknown }) => {
        if (record.status !== 'RUNNING') return;
        const inner = (error.cause ?? error) as Error;
        record.status = error.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED';
        record.error = inner.name;
        record.cause = inner.message;
        record.stopDate = clock.now();
        this.#onEnded(record);
      },
    );
    record.done = record.done.then(() => history).finally(() => ended.abort());
    return record;
  }

  describeExecution(executionArn: string): ExecutionRecord {
    const record = this.executions.get(executionArn);
    if (!record) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  listExecutions(stateMachineArn: string, statusFilter?: ExecutionStatus): ExecutionRecord[] {
    this.describeStateMachine(stateMachineArn);
    return [...this.executions.values()]
      .filter((e) => e.stateMachineArn === stateMachineArn && (!statusFilter || e.status === statusFilter))
      .sort((a, b) => b.startDate - a.startDate);
  }

  stopExecution(executionArn: string, error?: string, cause?: string): number {
    const record = this.describeExecution(executionArn);
    if (record.status === 'RUNNING') {
      record.status = 'ABORTED';
      record.error = error;
      record.cause = cause;
      record.stopDate = this.options.clock.now();
      this.tokens.expireExecution(executionArn, new TaskFailure('States.Aborted', 'execution stopped'));
      record.abort();
      this.#onEnded(record);
    }
    return record.stopDate ?? this.options.clock.now();
  }

  /** The history quota was reached: the execution fails, as Step Functions fails it. */
  #quotaReached(record: ExecutionRecord, error: string, cause: string): void {
    if (record.status !== 'RUNNING') return;
    record.status = 'FAILED';
    record.error = error;
    record.cause = cause;
    record.stopDate = this.options.clock.now();
    this.tokens.expireExecution(record.executionArn, new TaskFailure(error, cause));
    record.abort();
    this.#onEnded(record);
  }

  #onEnded(record: ExecutionRecord): void {
    this.#retain(record);
    try {
      this.options.onExecutionEnd?.(record);
    } catch {
      // A listener's failure is its own: the execution has ended either way.
    }
  }

  /** Keeps the latest ended executions within MAX_ENDED_EXECUTIONS and MAX_ENDED_DETAIL_CHARS. */
  #retain(record: ExecutionRecord): void {
    // Its history's last events are written once its result settles; count it once that is done.
    void record.done.then(() => {
      const chars = record.historyChars();
      this.#ended.push({ arn: record.executionArn, chars });
      this.#endedChars += chars;
      while (this.#ended.length > MAX_ENDED_EXECUTIONS || (this.#endedChars > MAX_ENDED_DETAIL_CHARS && this.#ended.length > 1)) {
        const oldest = this.#ended.shift()!;
        this.#endedChars -= oldest.chars;
        const kept = this.executions.get(oldest.arn);
        if (kept && kept.status !== 'RUNNING') this.executions.delete(oldest.arn);
      }
    });
  }

  /** How many executions the engine keeps (running and ended). */
  keptExecutions(): number {
    return this.executions.size;
  }

  /** Resolves when every running execution has ended (tests and shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.executions.values()].map((e) => e.done));
  }

  stopAll(): void {
    for (const record of this.executions.values()) {
      if (record.status === 'RUNNING') this.stopExecution(record.executionArn, 'States.Aborted', 'engine shut down');
    }
  }
}
