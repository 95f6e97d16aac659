/**
 * The ports of the deployment tasks (shared/tasks/), in one place. Each task takes the ones it
 * needs (a `Pick` of these); the composition roots (functions/_lib/, the CLI's context) build
 * them once, and tests pass in-memory ones (test/support/memory-ports.ts).
 */
import type { AlarmReader } from './alarm-reader.ts';
import type { AliasRouter } from './alias-router.ts';
import type { Clock } from './clock.ts';
import type { DeploymentStore } from './deployment-store.ts';
import type { EventBus } from './event-bus.ts';
import type { FunctionReader } from './function-reader.ts';
import type { LifecycleReporter } from './lifecycle-reporter.ts';
import type { Log } from './log.ts';
import type { TaskTokens } from './task-tokens.ts';

export interface ControllerPorts {
  store: DeploymentStore;
  aliases: AliasRouter;
  alarms: AlarmReader;
  functions: FunctionReader;
  tokens: TaskTokens;
  events: EventBus;
  lifecycle: LifecycleReporter;
  clock: Clock;
  log: Log;
}
