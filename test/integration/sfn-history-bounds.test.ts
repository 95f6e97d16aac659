/**
 * The engine's memory for execution histories is bounded: a long execution's input/output texts
 * stay within the per-execution budget (oldest dropped, marked truncated), an over-long payload is
 * truncated, and only the latest ended executions are kept.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../infra/local/clock.ts';
import { MAX_DETAIL_CHARS, MAX_DETAIL_CHARS_PER_EVENT } from '../../infra/local/sfn/history.ts';
import { LocalStepFunctions, MAX_ENDED_EXECUTIONS } from '../../infra/local/sfn/runtime.ts';

function engine() {
  const clock = new SimulatedClock({ start: Date.parse('2026-01-01T00:00:00Z'), speed: Infinity });
  return new LocalStepFunctions({ region: 'us-east-1', accountId: '000000000000', clock, invoke: async () => ({}) });
}

/** `steps` Pass states in a loop, each seeing a `pad`-character payload. */
const loop = (steps: number) =>
  JSON.stringify({
    StartAt: 'Step',
    States: {
      Step: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)', 'pad.$': '$.pad' }, Next: 'More' },
      More: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: steps / 2, Next: 'Step' }], Default: 'Done' },
      Done: { Type: 'Succeed' },
    },
  });

describe('bounded execution histories', () => {
  it('keeps a 2,000-step execution with 10 KB states within the per-execution text budget', async () => {
    const sfn = engine();
    const sm = sfn.createStateMachine({ name: 'long', definition: loop(2000) });
    const execution = sfn.startExecution({ stateMachineArn: sm.arn, name: 'long-1', input: JSON.stringify({ n: 0, pad: 'x'.repeat(10_000) }) });
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.history.length).toBeGreaterThan(4000);
    // Unbounded, these texts would be about 4,000 × 10 KB = 40 MB.
    const texts = execution.history.reduce((sum, e) => sum + JSON.stringify(e).length, 0);
    expect(execution.historyChars()).toBeLessThanOrEqual(MAX_DETAIL_CHARS);
    expect(texts).toBeLessThan(MAX_DETAIL_CHARS + execution.history.length * 300);
    // The oldest texts were dropped and say so; the latest are whole.
    const entered = execution.history.filter((e) => e.type === 'PassStateEntered');
    const first = entered[0]!.stateEnteredEventDetails as { input: string; inputDetails: { truncated: boolean } };
    const last = entered.at(-1)!.stateEnteredEventDetails as { input: string; inputDetails: { truncated: boolean } };
    expect(first).toMatchObject({ input: '', inputDetails: { truncated: true } });
    expect(last.inputDetails.truncated).toBe(false);
    expect(JSON.parse(last.input).pad).toHaveLength(10_000);
  });

  it('truncates one payload longer than 256 KiB', async () => {
    const sfn = engine();
    const sm = sfn.createStateMachine({ name: 'big', definition: loop(2) });
    const execution = sfn.startExecution({ stateMachineArn: sm.arn, name: 'big-1', input: JSON.stringify({ n: 0, pad: 'y'.repeat(MAX_DETAIL_CHARS_PER_EVENT) }) });
    await execution.done;
    expect(execution.history[0]!.executionStartedEventDetails).toMatchObject({ input: '', inputDetails: { truncated: true } });
  });

  it(`keeps only the latest ${MAX_ENDED_EXECUTIONS} ended executions`, async () => {
    const sfn = engine();
    const sm = sfn.createStateMachine({ name: 'short', definition: loop(2) });
    const runs = [];
    for (let i = 0; i < MAX_ENDED_EXECUTIONS + 50; i += 1) runs.push(sfn.startExecution({ stateMachineArn: sm.arn, name: `r-${i}`, input: '{"n":0,"pad":""}' }).done);
    await Promise.all(runs);
    await new Promise((r) => setImmediate(r));
    expect(sfn.keptExecutions()).toBe(MAX_ENDED_EXECUTIONS);
    expect(() => sfn.describeExecution(`${sm.arn.replace(':stateMachine:', ':execution:')}:r-0`)).toThrow(/Does Not Exist/);
    expect(sfn.describeExecution(`${sm.arn.replace(':stateMachine:', ':execution:')}:r-${MAX_ENDED_EXECUTIONS + 49}`).status).toBe('SUCCEEDED');
  });
});
