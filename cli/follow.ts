/**
 * Following a deployment from a command (`deploy --wait`, `status --watch`, `abort --wait`), with
 * Ctrl-C handled: against a running engine or AWS, Ctrl-C stops watching and the deployment goes
 * on; against an engine that lives inside this command, the first Ctrl-C aborts the deployment
 * (so the alias is rolled back before the engine goes away) and the second stops at once.
 */
import type { CliIO } from './context.ts';
import type { DeploymentSnapshot } from './snapshot.ts';
import type { Target } from './target.ts';
import type { Display } from './view/display.ts';
import { watchDeployment, type WatchOptions } from './watch.ts';
import { sendControl } from './control-client.ts';

export interface Followed {
  snapshot: DeploymentSnapshot;
  /** Ctrl-C stopped the watch before the deployment ended. */
  interrupted: boolean;
}

export async function followUntilDone(
  target: Target,
  id: string,
  display: Display,
  io: CliIO,
  options: Omit<WatchOptions, 'signal'> = {},
): Promise<Followed> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (target.kind === 'embedded' && interrupts === 1) {
      io.stderr.write('\nglidepath: aborting the deployment before the local engine stops (Ctrl-C again to quit at once)\n');
      sendControl(target, id, 'abort').catch((error: unknown) => {
        io.stderr.write(`glidepath: abort failed: ${(error as Error).message}\n`);
        controller.abort();
      });
      return;
    }
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const snapshot = await watchDeployment(target, id, display, { ...options, signal: controller.signal });
    return { snapshot, interrupted: controller.signal.aborted && !snapshot.done };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
