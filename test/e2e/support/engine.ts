/**
 * One local engine per e2e file, reached the way the CLI reaches it: real AWS SDK v3 clients
 * over HTTP (the engine's `AWS_ENDPOINT_URL*`), operator actions through the CLI's own
 * `sendControl` (an Invoke of the control function), the record read with the deployment store.
 */
import { afterAll, beforeAll } from 'vitest';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { startLocalEngine, type LocalEngine } from '../../../infra/local/engine.ts';
import { lazyClients, type Clients } from '../../../shared/aws/clients.ts';
import type { Store } from '../../../shared/aws/deployment-store.ts';
import { buildClients } from '../../../cli/clients.ts';
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
  /** Simulated seconds per real second (default 10,000: a 5-minute bake lasts 30 ms), or `max`: virtual time. */
  speed?: number | 'max';
  /** Seconds (engine clock) before a metric datapoint shows (default: the engine's, a minute). */
  metricLagSeconds?: number;
}

/**
 * Starts an engine before the file's tests and closes it after them. The returned object is
 * filled in by `beforeAll`: read its fields inside tests only.
 */
export function useEngine(options: E2EOptions = {}): E2E {
  const ctx = {} as E2E;
  beforeAll(async () => {
    // The handlers' Powertools logs stay quiet unless GLIDEPATH_LOG_LEVEL asks for them.
    const engine = await startLocalEngine({ speed: options.speed ?? 10_000, logLevel: process.env.GLIDEPATH_LOG_LEVEL ?? 'SILENT',
      ...(options.metricLagSeconds === undefined ? {} : { metricLagSeconds: options.metricLagSeconds }),
    });
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
        region: engine.region,
        clients: buildClients({
          region: engine.region,
          endpoint: engine.url,
          credentials: { accessKeyId: engine.env.AWS_ACCESS_KEY_ID!, secretAccessKey: engine.env.AWS_SECRET_ACCESS_KEY! },
        }),
        now: async () => engine.clock.now(),
        controlFunction: async () => engine.env.GLIDEPATH_CONTROL_FUNCTION_ARN!,
        stackOutput: async () => undefined,
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
