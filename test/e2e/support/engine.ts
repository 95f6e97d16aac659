/**
 * One local engine per e2e file, reached the way the CLI reaches it: real AWS SDK v3 clients
 * over HTTP (the engine's `AWS_ENDPOINT_URL*`), the control core through the CLI's own
 * `sendControl`, the record read with the deployment store.
 */
import { afterAll, beforeAll } from 'vitest';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { startLocalEngine, type LocalEngine } from '../../../infra/local/engine.ts';
import { lazyClients, type Clients } from '../../../shared/aws/clients.ts';
import type { Store } from '../../../shared/aws/deployment-store.ts';
import type { Target } from '../../../cli/target.ts';

export interface E2E {
  engine: LocalEngine;
  lambda: LambdaClient;
  sfn: SFNClient;
  cloudwatch: CloudWatchClient;
  /** The controller's clients (lazyClients), as the CLI builds them. */
  clients: Clients;
  store: Store;
  /** What `resolveTarget` gives the CLI for a running local engine. */
  target: Target;
}

export interface E2EOptions {
  /** Simulated seconds per real second (default 10,000: a 5-minute bake lasts 30 ms). */
  speed?: number;
}

/**
 * Starts an engine before the file's tests and closes it after them. The returned object is
 * filled in by `beforeAll`: read its fields inside tests only.
 */
export function useEngine(options: E2EOptions = {}): E2E {
  const ctx = {} as E2E;
  beforeAll(async () => {
    // The handlers' Powertools logs stay quiet unless GLIDEPATH_LOG_LEVEL asks for them.
    const engine = await startLocalEngine({ speed: options.speed ?? 10_000, logLevel: process.env.GLIDEPATH_LOG_LEVEL ?? 'SILENT' });
    // This test process is a client of the engine, as a shell that sourced `glidepath local up`'s
    // exports would be: AWS_ENDPOINT_URL*, the region and dummy credentials, so `{}` reaches it.
    Object.assign(process.env, engine.env);
    const clients = lazyClients();
    Object.assign(ctx, {
      engine,
      lambda: new LambdaClient({}),
      sfn: new SFNClient({}),
      cloudwatch: new CloudWatchClient({}),
      clients,
      store: { ddb: clients.ddb, tableName: engine.tableName },
      target: {
        kind: 'local',
        description: `local engine ${engine.url}`,
        stateMachineArn: engine.stateMachineArn,
        tableName: engine.tableName,
        eventBusName: 'default',
        region: engine.region,
        clients,
        now: async () => engine.clock.now(),
        close: async () => undefined,
      },
    } satisfies E2E);
  });
  afterAll(async () => {
    ctx.lambda?.destroy();
    ctx.sfn?.destroy();
    ctx.cloudwatch?.destroy();
    await ctx.engine?.close();
  });
  return ctx;
}
