/**
 * Execution histories as Step Functions writes them: the event types and details of the API
 * reference for every state kind the deployment ASL uses, and the 25,000-event quota.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../infra/local/clock.ts';
import { LocalStepFunctions } from '../../infra/local/sfn/runtime.ts';
import { handleSfnOperation } from '../../infra/local/sfn/wire.ts';
import { historyEventsOf, historyEventsOfRun, MAX_HISTORY_EVENTS } from '../../shared/core/history-events.ts';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function:';

function engine(invoke: (fn: string, payload: unknown) => Promise<unknown>) {
  const clock = new SimulatedClock({ start: Date.parse('2026-01-01T00:00:00Z'), speed: 10_000 });
  return new LocalStepFunctions({ region: 'us-east-1', accountId: '000000000000', clock, invoke });
}

const definition = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Task', Resource: `${FN}prepare`, ResultPath: '$.prepared', Next: 'Note' },
    Note: { Type: 'Pass', Result: 'noted', ResultPath: '$.note', Next: 'Bake' },
    Bake: { Type: 'Wait', Seconds: 60, Next: 'Shift' },
    Shift: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'shift', 'Payload.$': '$.prepared' }, ResultSelector: { 'p.$': '$.Payload' }, ResultPath: '$.shifted', Next: 'Hook' },
    Hook: {
      Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', TimeoutSeconds: 600,
      Parameters: { FunctionName: 'hook', Payload: { 'token.$': '$$.Task.Token' } }, ResultPath: '$.hook', Next: 'Decide',
    },
    Decide: { Type: 'Choice', Choices: [{ Variable: '$.hook.ok', BooleanEquals: true, Next: 'Done' }], Default: 'Broken' },
    Done: { Type: 'Succeed' },
    Broken: { Type: 'Fail', Error: 'Broken', Cause: 'the hook said no' },
  },
};

let runs = 0;

async function run(sfn: LocalStepFunctions, hookOk: boolean | undefined, tokens: string[]) {
  const sm = sfn.createStateMachine({ name: 'history', definition: JSON.stringify(definition), roleArn: 'arn:aws:iam::000000000000:role/sfn' });
  const execution = sfn.startExecution({ stateMachineArn: sm.arn, name: `run-${++runs}`, input: '{"a":1}' });
  while (tokens.length === 0) await new Promise((r) => setTimeout(r, 2));
  const token = tokens.shift()!;
  if (hookOk !== undefined) await handleSfnOperation(sfn, 'SendTaskSuccess', { taskToken: token, output: JSON.stringify({ ok: hookOk }) });
  return execution;
}

describe('execution history', () => {
  it('writes the events of every state kind, in order, with their details', async () => {
    const tokens: string[] = [];
    const sfn = engine(async (fn, payload) => {
      if (fn === 'hook') tokens.push((payload as { token: string }).token);
      return { from: fn };
    });
    const execution = await run(sfn, true, tokens);
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    const types = execution.history.map((e) => e.type);
    expect(types).toEqual([
      'ExecutionStarted',
      'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited',
      'PassStateEntered', 'PassStateExited',
      'WaitStateEntered', 'WaitStateExited',
      'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited',
      'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited',
      'ChoiceStateEntered', 'ChoiceStateExited',
      'SucceedStateEntered', 'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(execution.history.map((e) => e.id)).toEqual(types.map((_, i) => i + 1));
    const doc = JSON.parse(JSON.stringify(await handleSfnOperation(sfn, 'GetExecutionHistory', { executionArn: execution.executionArn }))) as { events: any[] };
    const byType = (t: string) => doc.events.filter((e) => e.type === t);
    expect(byType('ExecutionStarted')[0].executionStartedEventDetails).toEqual({ input: '{"a":1}', inputDetails: { truncated: false }, roleArn: 'arn:aws:iam::000000000000:role/sfn' });
    expect(byType('LambdaFunctionScheduled')[0].lambdaFunctionScheduledEventDetails).toMatchObject({ resource: `${FN}prepare`, input: '{"a":1}', inputDetails: { truncated: false } });
    expect(byType('LambdaFunctionSucceeded')[0].lambdaFunctionSucceededEventDetails).toEqual({ output: `{"from":"${FN}prepare"}`, outputDetails: { truncated: false } });
    expect(byType('TaskScheduled')[1].taskScheduledEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken', region: 'us-east-1', timeoutInSeconds: 600 });
    expect(JSON.parse(byType('TaskScheduled')[0].taskScheduledEventDetails.parameters)).toEqual({ FunctionName: 'shift', Payload: { from: `${FN}prepare` } });
    expect(byType('TaskSubmitted')[0].taskSubmittedEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken' });
    expect(JSON.parse(byType('TaskSucceeded')[1].taskSucceededEventDetails.output)).toEqual({ ok: true });
    expect(byType('WaitStateEntered')[0].stateEnteredEventDetails).toMatchObject({ name: 'Bake', inputDetails: { truncated: false } });
    expect(byType('ExecutionSucceeded')[0].executionSucceededEventDetails.outputDetails).toEqual({ truncated: false });
  });

  it('fails at a Fail state with FailStateEntered and ExecutionFailed; a failing function is LambdaFunctionFailed; no ChoiceFailed', async () => {
    const tokens: string[] = [];
    const sfn = engine(async (fn, payload) => {
      if (fn === 'hook') tokens.push((payload as { token: string }).token);
      return {};
    });
    const failed = await run(sfn, false, tokens);
    await failed.done;
    expect(failed.history.slice(-3).map((e) => e.type)).toEqual(['ChoiceStateExited', 'FailStateEntered', 'ExecutionFailed']);
    expect(failed.history.at(-1)!.executionFailedEventDetails).toEqual({ error: 'Broken', cause: 'the hook said no' });

    const broken = engine(async () => {
      throw Object.assign(new Error('boom'), { name: 'Unhandled' });
    });
    const sm = broken.createStateMachine({ name: 'history', definition: JSON.stringify(definition) });
    const e = broken.startExecution({ stateMachineArn: sm.arn, name: 'broken' });
    await e.done;
    expect(e.history.map((x) => x.type)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed', 'ExecutionFailed']);
    expect(e.history[4]!.lambdaFunctionFailedEventDetails).toEqual({ error: 'Unhandled', cause: 'boom' });
    for (const x of [...failed.history, ...e.history]) expect(x.type).not.toMatch(/^(Choice|Pass|Wait|Succeed|Fail)Failed$|^StateFailed$/);
  });

  it('times out a token Task with TaskTimedOut, and an aborted execution carries its error and cause', async () => {
    const tokens: string[] = [];
    const sfn = engine(async (fn, payload) => {
      if (fn === 'hook') tokens.push((payload as { token: string }).token);
      return {};
    });
    const timedOut = await run(sfn, undefined, tokens);
    await timedOut.done;
    expect(timedOut.history.map((x) => x.type)).toContain('TaskTimedOut');
    expect(timedOut.history.find((x) => x.type === 'TaskTimedOut')!.taskTimedOutEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken', error: 'States.Timeout' });

    const aborted = await run(sfn, undefined, tokens);
    sfn.stopExecution(aborted.executionArn, 'Glidepath.Aborted', 'an operator asked');
    await aborted.done;
    expect(aborted.history.at(-1)).toMatchObject({ type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'Glidepath.Aborted', cause: 'an operator asked' } });
  });

  it('fails an execution whose 25,000th event would not end it (States.Runtime)', { timeout: 120_000 }, async () => {
    const loop = {
      StartAt: 'Count',
      States: {
        Count: { Type: 'Pass', Next: 'Again' },
        Again: { Type: 'Choice', Choices: [{ Variable: '$.stop', BooleanEquals: true, Next: 'End' }], Default: 'Count' },
        End: { Type: 'Succeed' },
      },
    };
    const sfn = engine(async () => ({}));
    const sm = sfn.createStateMachine({ name: 'loop', definition: JSON.stringify(loop) });
    const e = sfn.startExecution({ stateMachineArn: sm.arn, name: 'forever', input: '{"stop":false}' });
    await e.done;
    expect(e.status).toBe('FAILED');
    expect(e.error).toBe('States.Runtime');
    expect(e.history).toHaveLength(MAX_HISTORY_EVENTS);
    expect(e.history.at(-1)).toMatchObject({ id: MAX_HISTORY_EVENTS, type: 'ExecutionFailed', executionFailedEventDetails: { error: 'States.Runtime' } });
  });

  it('counts the events each state kind writes, as the histories above show', () => {
    expect(historyEventsOfRun(['LambdaTask', 'Pass', 'Wait', 'ServiceTask', 'TokenTask', 'Choice', 'Succeed'])).toBe(26);
    expect(historyEventsOf('Fail')).toBe(1);
  });
});
