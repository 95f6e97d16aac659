/**
 * The clients of a running engine, reached the way the CLI reaches it: real AWS SDK v3 clients over
 * HTTP (the engine's `AWS_ENDPOINT_URL*`), the CLI's target for operator actions, the deployment store.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { LocalEngine } from '../../../infra/local/engine.ts';
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

/** The clients of a running engine, as the CLI builds them (process.env must hold `engine.env`). */
export function connect(engine: LocalEngine): E2E {
  const clients = lazyClients();
  return {
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
  };
}
