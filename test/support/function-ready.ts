/**
 * Waits, as a script on AWS must, until a function is Active and its last update Successful
 * before the next change or PublishVersion (the engine answers ResourceConflictException before).
 * Polls every few real milliseconds; on a clock that moves only when told (speed Infinity) it
 * moves it on by the engine's transition time between polls.
 */
import { GetFunctionConfigurationCommand, type GetFunctionConfigurationCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';

interface TestClock {
  speed: number;
  advance(seconds: number): void;
}

export async function functionReady(lambda: LambdaClient, name: string, clock?: TestClock): Promise<GetFunctionConfigurationCommandOutput> {
  const give = performance.now() + 15_000;
  for (;;) {
    const out = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (out.State === 'Failed' || out.LastUpdateStatus === 'Failed') {
      throw new Error(`${name}: ${out.State === 'Failed' ? `State Failed (${out.StateReasonCode}: ${out.StateReason})` : `update Failed (${out.LastUpdateStatusReasonCode}: ${out.LastUpdateStatusReason})`}`);
    }
    if (out.State === 'Active' && out.LastUpdateStatus !== 'InProgress') return out;
    if (performance.now() > give) throw new Error(`${name}: still ${out.State}/${out.LastUpdateStatus} after 15 s`);
    if (clock?.speed === Infinity) clock.advance(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
