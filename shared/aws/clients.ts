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

export type ClientFactories = { [K in keyof Clients]: () => Clients[K] };

// One factory per client, so that a bundle holds only the SDK clients its handler uses.
export const makeLambda = (): LambdaClient => new LambdaClient({});
export const makeCloudWatch = (): CloudWatchClient => new CloudWatchClient({});
export const makeDocumentClient = (): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
export const makeSfn = (): SFNClient => new SFNClient({});
export const makeEventBridge = (): EventBridgeClient => new EventBridgeClient({});
export const makeCodeDeploy = (): CodeDeployClient => new CodeDeployClient({});

const CLIENT_NAMES: (keyof Clients)[] = ['lambda', 'cloudwatch', 'ddb', 'sfn', 'events', 'codedeploy'];

/**
 * Clients built on first use (and only once) from `factories`; `overrides` are used as given.
 * A client with neither is a programming error, reported when it is first used.
 */
export function clientsOf(factories: Partial<ClientFactories>, overrides: Partial<Clients> = {}): Clients {
  const built: Partial<Clients> = { ...overrides };
  const clients = {} as Clients;
  for (const name of CLIENT_NAMES) {
    Object.defineProperty(clients, name, {
      enumerable: true,
      get: () => {
        if (built[name] === undefined) {
          const factory = factories[name];
          if (!factory) throw new Error(`no ${name} client: this function was built without it`);
          built[name] = factory() as never;
        }
        return built[name];
      },
    });
  }
  return clients;
}

/** Every client, each built on first use. */
export function lazyClients(overrides: Partial<Clients> = {}): Clients {
  return clientsOf(
    { lambda: makeLambda, cloudwatch: makeCloudWatch, ddb: makeDocumentClient, sfn: makeSfn, events: makeEventBridge, codedeploy: makeCodeDeploy },
    overrides,
  );
}

let containerClients: Clients | undefined;

/** The container's default clients: one set per Lambda container, shared by every invocation. */
export function defaultClients(): Clients {
  return (containerClients ??= lazyClients());
}
