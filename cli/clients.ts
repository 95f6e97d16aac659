/**
 * The CLI's composition root: the one file of cli/ that builds AWS SDK clients. A command's target
 * (cli/target.ts) gets one set per run, each client built on first use with the target's endpoint,
 * region and credentials; commands reach AWS only through them and the adapters of shared/aws/.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientsOf, type Clients } from '../shared/aws/clients.ts';

export interface ClientConfig {
  region?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** 1: one try, for quick probes of an endpoint. */
  maxAttempts?: number;
}

/** The controller's clients, and EventBridge Scheduler's (scheduled promotions). */
export interface CliClients extends Clients {
  readonly scheduler: SchedulerClient;
}

function given(config: ClientConfig): ClientConfig {
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as ClientConfig;
}

export function buildClients(config: ClientConfig): CliClients {
  const c = given(config);
  const clients = clientsOf({
    lambda: () => new LambdaClient(c),
    cloudwatch: () => new CloudWatchClient(c),
    ddb: () => DynamoDBDocumentClient.from(new DynamoDBClient(c), { marshallOptions: { removeUndefinedValues: true } }),
    sfn: () => new SFNClient(c),
    events: () => new EventBridgeClient(c),
    codedeploy: () => new CodeDeployClient(c),
  }) as CliClients;
  let scheduler: SchedulerClient | undefined;
  Object.defineProperty(clients, 'scheduler', { enumerable: true, get: () => (scheduler ??= new SchedulerClient(c)) });
  return clients;
}

/** A CloudFormation client for one look at a stack; destroyed after `use`. */
export async function withCloudFormation<T>(config: ClientConfig, use: (cloudformation: CloudFormationClient) => Promise<T>): Promise<T> {
  const cloudformation = new CloudFormationClient(given(config));
  try {
    return await use(cloudformation);
  } finally {
    cloudformation.destroy();
  }
}

/** A Step Functions client for one probe of an endpoint (one try); destroyed after `use`. */
export async function withProbe<T>(config: ClientConfig, use: (sfn: SFNClient) => Promise<T>): Promise<T> {
  const sfn = new SFNClient(given({ ...config, maxAttempts: 1 }));
  try {
    return await use(sfn);
  } finally {
    sfn.destroy();
  }
}
