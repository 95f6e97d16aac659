/**
 * The local Step Functions service: state machines and executions run by aws-local-stepfunctions,
 * with Tasks bound to the engine's functions (bindings.ts) and time on the engine's clock.
 * The wire layer (wire.ts) maps the Step Functions API onto this class.
 */
import '../polyfill.ts';
import { StateMachine } from 'aws-local-stepfunctions';
import { randomUUID } from 'node:crypto';
import { bindExecution, forLocalRun, TOKEN_PLACEHOLDER, type Definition, type EngineClock, type Invoker } from './bindings.ts';
import { TaskFailure, TaskTokens } from './tokens.ts';
import { toHistoryEvent, type HistoryEvent } from './history.ts';

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

const NAME = /^[a-zA-Z0-9_-]{1,80}$/;

export class LocalStepFunctions {
  readonly tokens = new TaskTokens();
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();

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
    const overrides = bindExecution(sm.parsed, {
      executionArn,
      invoke: this.options.invoke,
      tokens: this.tokens,
      clock,
      realMs: (seconds) => (clock.speed === Infinity ? 0 : (seconds * 1000) / clock.speed),
    });
    const context = {
      Execution: { Id: executionArn, Name: name, StartTime: new Date(startDate).toISOString(), RoleArn: sm.roleArn },
      StateMachine: { Id: sm.arn, Name: sm.name },
      Task: { Token: TOKEN_PLACEHOLDER },
    };
    const run = sm.machine.run(parsedInput as never, { overrides: overrides as never, context: context as never });
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: sm.arn,
      name,
      status: 'RUNNING',
      startDate,
      input: rawInput,
      history: [],
      abort: run.abort,
      done: Promise.resolve(),
    };
    this.executions.set(executionArn, record);

    const history = (async () => {
      for await (const event of run.eventLogs) {
        const mapped = toHistoryEvent(event, record.history, clock.now());
        if (mapped) record.history.push(mapped);
      }
    })().catch(() => undefined);

    record.done = run.result.then(
      (output) => {
        if (record.status !== 'RUNNING') return;
        record.status = 'SUCCEEDED';
        record.output = JSON.stringify(output ?? null);
        record.stopDate = clock.now();
        this.#ended(record);
      },
      (error: Error & { cause?: unknown }) => {
        if (record.status !== 'RUNNING') return;
        const inner = (error.cause ?? error) as Error;
        record.status = error.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED';
        record.error = inner.name;
        record.cause = inner.message;
        record.stopDate = clock.now();
        this.#ended(record);
      },
    );
    record.done = record.done.then(() => history);
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
      this.#ended(record);
    }
    return record.stopDate ?? this.options.clock.now();
  }

  #ended(record: ExecutionRecord): void {
    try {
      this.options.onExecutionEnd?.(record);
    } catch {
      // A listener's failure is its own: the execution has ended either way.
    }
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
