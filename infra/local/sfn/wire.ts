/**
 * The Step Functions API (awsJson1_0, `x-amz-target: AWSStepFunctions.<Op>`) over the local
 * runtime. Shapes, limits and error names follow the botocore model (stepfunctions/2016-11-23).
 * Timestamps are epoch seconds, as the awsJson protocols send them.
 */
import { LocalStepFunctions, SfnError, type ExecutionRecord, type ExecutionStatus } from './runtime.ts';
import { TaskTokenError } from './tokens.ts';

type Body = Record<string, unknown>;
const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
const STATUSES = new Set(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

function requireString(body: Body, field: string, max = 2048): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new SfnError('ValidationException', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }
  if (value.length > max) {
    throw new SfnError('ValidationException', `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
  }
  return value;
}

function arnOf(body: Body, field: string, kind: 'stateMachine' | 'execution'): string {
  const arn = requireString(body, field, 256);
  if (!arn.startsWith('arn:aws:states:') || arn.split(':')[5] !== kind) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
  return arn;
}

function describe(e: ExecutionRecord) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: seconds(e.startDate),
    stopDate: seconds(e.stopDate),
    input: e.input,
    inputDetails: { included: true },
    ...(e.output === undefined ? {} : { output: e.output, outputDetails: { included: true } }),
    ...(e.error === undefined ? {} : { error: e.error }),
    ...(e.cause === undefined ? {} : { cause: e.cause }),
  };
}

function page<T>(items: T[], body: Body): { items: T[]; nextToken?: string } {
  const max = typeof body.maxResults === 'number' && body.maxResults > 0 ? Math.min(body.maxResults, 1000) : 100;
  const start = typeof body.nextToken === 'string' ? Number.parseInt(body.nextToken, 10) : 0;
  if (Number.isNaN(start) || start < 0) throw new SfnError('InvalidToken', 'Invalid Token');
  const slice = items.slice(start, start + max);
  return { items: slice, ...(start + max < items.length ? { nextToken: String(start + max) } : {}) };
}

export async function handleSfnOperation(sfn: LocalStepFunctions, op: string, body: Body): Promise<unknown> {
  try {
    return await dispatch(sfn, op, body);
  } catch (error) {
    if (error instanceof TaskTokenError) throw new SfnError(error.code, error.message);
    throw error;
  }
}

async function dispatch(sfn: LocalStepFunctions, op: string, body: Body): Promise<unknown> {
  switch (op) {
    case 'CreateStateMachine': {
      const sm = sfn.createStateMachine({
        name: requireString(body, 'name', 80),
        definition: requireString(body, 'definition', 1_048_576),
        roleArn: body.roleArn as string | undefined,
        type: body.type as string | undefined,
      });
      return { stateMachineArn: sm.arn, creationDate: seconds(sm.creationDate) };
    }
    case 'DescribeStateMachine': {
      const sm = sfn.describeStateMachine(arnOf(body, 'stateMachineArn', 'stateMachine'));
      // As a machine created without logging or tracing answers: level OFF, X-Ray disabled.
      return {
        stateMachineArn: sm.arn, name: sm.name, status: 'ACTIVE', definition: sm.definition, roleArn: sm.roleArn, type: sm.type, creationDate: seconds(sm.creationDate),
        loggingConfiguration: { level: 'OFF', includeExecutionData: false },
        tracingConfiguration: { enabled: false },
      };
    }
    case 'ListStateMachines': {
      const { items, nextToken } = page(sfn.listStateMachines(), body);
      return { stateMachines: items.map((sm) => ({ stateMachineArn: sm.arn, name: sm.name, type: sm.type, creationDate: seconds(sm.creationDate) })), nextToken };
    }
    case 'StartExecution': {
      const input = body.input;
      if (input !== undefined && (typeof input !== 'string' || input.length > 262_144)) {
        throw new SfnError('InvalidExecutionInput', 'Invalid State Machine Execution Input: must be a JSON string of at most 262144 characters');
      }
      const e = sfn.startExecution({
        stateMachineArn: arnOf(body, 'stateMachineArn', 'stateMachine'),
        name: body.name as string | undefined,
        input: input as string | undefined,
      });
      return { executionArn: e.executionArn, startDate: seconds(e.startDate) };
    }
    case 'DescribeExecution':
      return describe(sfn.describeExecution(arnOf(body, 'executionArn', 'execution')));
    case 'ListExecutions': {
      const filter = body.statusFilter as string | undefined;
      if (filter !== undefined && !STATUSES.has(filter)) throw new SfnError('ValidationException', `Invalid statusFilter: ${filter}`);
      const all = sfn.listExecutions(arnOf(body, 'stateMachineArn', 'stateMachine'), filter as ExecutionStatus | undefined);
      const { items, nextToken } = page(all, body);
      return {
        executions: items.map((e) => ({ executionArn: e.executionArn, stateMachineArn: e.stateMachineArn, name: e.name, status: e.status, startDate: seconds(e.startDate), stopDate: seconds(e.stopDate) })),
        nextToken,
      };
    }
    case 'StopExecution': {
      const stopDate = sfn.stopExecution(arnOf(body, 'executionArn', 'execution'), body.error as string | undefined, body.cause as string | undefined);
      return { stopDate: seconds(stopDate) };
    }
    case 'GetExecutionHistory': {
      const e = sfn.describeExecution(arnOf(body, 'executionArn', 'execution'));
      const events = body.reverseOrder === true ? [...e.history].reverse() : e.history;
      const { items, nextToken } = page(events, body);
      return { events: items.map((ev) => ({ ...ev, timestamp: seconds(ev.timestamp) })), nextToken };
    }
    case 'SendTaskSuccess': {
      const output = requireString(body, 'output', 262_144);
      let parsed: unknown;
      try {
        parsed = JSON.parse(output);
      } catch {
        throw new SfnError('InvalidOutput', 'Invalid Output: not JSON');
      }
      sfn.tokens.succeed(requireString(body, 'taskToken', 1024), parsed);
      return {};
    }
    case 'SendTaskFailure':
      sfn.tokens.fail(requireString(body, 'taskToken', 1024), body.error as string | undefined, body.cause as string | undefined);
      return {};
    case 'SendTaskHeartbeat':
      sfn.tokens.heartbeat(requireString(body, 'taskToken', 1024));
      return {};
    default:
      throw new SfnError('UnknownOperationException', `Operation ${op} is not served by the local engine`);
  }
}
