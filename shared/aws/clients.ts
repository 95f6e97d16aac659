/**
 * The AWS SDK v3 clients the controller uses, injected into every core function as `Clients`.
 * Handlers build the default set once per container (lazily: a client is created the first
 * time it is used, so a handler that never calls CodeDeploy never pays for its client).
 * Every client honours `AWS_ENDPOINT_URL_<SERVICE>`, which is how the local engine redirects them.
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';

export interface Clients {
  lambda: LambdaClient;
  cloudwatch: CloudWatchClient;
  /** The DynamoDB document client: plain JS objects in and out. */
  ddb: DynamoDBDocumentClient;
  sfn: SFNClient;
  events: EventBridgeClient;
  codedeploy: CodeDeployClient;
}

const factories: { [K in keyof Clients]: () => Clients[K] } = {
  lambda: () => new LambdaClient({}),
  cloudwatch: () => new CloudWatchClient({}),
  ddb: () =>
    DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
  sfn: () => new SFNClient({}),
  events: () => new EventBridgeClient({}),
  codedeploy: () => new CodeDeployClient({}),
};

/** A set of clients where each one is built on first use (and only once). */
export function lazyClients(overrides: Partial<Clients> = {}): Clients {
  const built: Partial<Clients> = { ...overrides };
  const clients = {} as Clients;
  for (const name of Object.keys(factories) as (keyof Clients)[]) {
    Object.defineProperty(clients, name, {
      enumerable: true,
      get: () => (built[name] ??= factories[name]() as never),
    });
  }
  return clients;
}

let containerClients: Clients | undefined;

/** The container's default clients: one set per Lambda container, shared by every invocation. */
export function defaultClients(): Clients {
  return (containerClients ??= lazyClients());
}
