import { describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../infra/local/sfn/runtime.ts';
import { handleSfnOperation } from '../../infra/local/sfn/wire.ts';

function engine(speed: number, invoke: (fn: string, payload: unknown) => Promise<unknown>) {
  let t = Date.parse('2026-01-01T00:00:00Z');
  const start = performance.now();
  const clock = { speed, now: () => t + (performance.now() - start) * speed, sleep: (s: number) => new Promise<void>((r) => setTimeout(r, (s * 1000) / speed)) };
  return new LocalStepFunctions({ region: 'us-east-1', accountId: '000000000000', clock, invoke });
}

const definition = {
  StartAt: 'First',
  States: {
    First: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:000000000000:function:first', ResultPath: '$.health', Next: 'Wait', TimeoutSeconds: 5,
      Retry: [{ ErrorEquals: ['THROTTLED'], IntervalSeconds: 10, MaxAttempts: 3 }] },
    Wait: { Type: 'Wait', SecondsPath: '$.health.waitSeconds', Next: 'Approve' },
    Approve: {
      Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', TimeoutSeconds: 600,
      Parameters: { FunctionName: 'register', Payload: { 'token.$': '$$.Task.Token', 'name.$': '$$.Execution.Name' } },
      ResultPath: '$.signal',
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'TimedOut' }],
      End: true,
    },
    TimedOut: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' },
  },
};

describe('LocalStepFunctions', () => {
  it('runs Tasks on the invoker, retries by error name, waits on the engine clock and pauses on task tokens', async () => {
    let attempts = 0;
    let token = '';
    const sfn = engine(1000, async (fn, payload) => {
      if (fn.endsWith(':first')) {
        attempts += 1;
        if (attempts < 3) throw Object.assign(new Error('slow down'), { name: 'THROTTLED' });
        return { waitSeconds: 300 };
      }
      token = (payload as { token: string }).token;
      expect((payload as { name: string }).name).toBe('run-1');
      return null;
    });
    const sm = sfn.createStateMachine({ name: 'demo', definition: JSON.stringify(definition) });
    const began = performance.now();
    const execution = sfn.startExecution({ stateMachineArn: sm.arn, name: 'run-1', input: '{}' });
    while (!token) await new Promise((r) => setTimeout(r, 5));
    // 300 simulated seconds at speed 1000 take 0.3 s, not five minutes; retries are scaled too.
    expect(performance.now() - began).toBeLessThan(2000);
    expect(performance.now() - began).toBeGreaterThanOrEqual(250);
    expect(execution.status).toBe('RUNNING');
    await handleSfnOperation(sfn, 'SendTaskSuccess', { taskToken: token, output: '{"decision":"next"}' });
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual({ health: { waitSeconds: 300 }, signal: { decision: 'next' } });
    expect(attempts).toBe(3);
    await expect(handleSfnOperation(sfn, 'SendTaskSuccess', { taskToken: token, output: '{}' })).rejects.toMatchObject({ name: 'TaskTimedOut' });
    expect(execution.history.map((e) => e.type)).toContain('WaitStateEntered');
  });

  it('fails a token task with States.Timeout after its timeout on the engine clock', async () => {
    const sfn = engine(10_000, async (fn) => (fn.endsWith(':first') ? { waitSeconds: 0 } : null));
    const sm = sfn.createStateMachine({ name: 'demo', definition: JSON.stringify(definition) });
    const execution = sfn.startExecution({ stateMachineArn: sm.arn, name: 'run-2' });
    await execution.done;
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.Timeout');
  });

  it('rejects unknown tokens, bad names and duplicate executions as Step Functions does', async () => {
    const sfn = engine(1, async () => ({ waitSeconds: 0 }));
    const sm = sfn.createStateMachine({ name: 'demo', definition: JSON.stringify(definition) });
    await expect(handleSfnOperation(sfn, 'SendTaskFailure', { taskToken: 'nope' })).rejects.toMatchObject({ name: 'InvalidToken' });
    await expect(handleSfnOperation(sfn, 'StartExecution', { stateMachineArn: sm.arn, name: 'bad name!' })).rejects.toMatchObject({ name: 'InvalidName' });
    await expect(handleSfnOperation(sfn, 'DescribeExecution', { executionArn: 'arn:aws:states:us-east-1:000000000000:execution:demo:none' })).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
    sfn.startExecution({ stateMachineArn: sm.arn, name: 'dup', input: '{"a":1}' });
    await expect(handleSfnOperation(sfn, 'StartExecution', { stateMachineArn: sm.arn, name: 'dup', input: '{"a":2}' })).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    const stopped = await handleSfnOperation(sfn, 'StopExecution', { executionArn: `${sm.arn.replace('stateMachine', 'execution')}:dup` });
    expect(stopped).toHaveProperty('stopDate');
    const described = (await handleSfnOperation(sfn, 'DescribeExecution', { executionArn: `${sm.arn.replace('stateMachine', 'execution')}:dup` })) as { status: string };
    expect(described.status).toBe('ABORTED');
  });
});
