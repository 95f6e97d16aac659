/**
 * DynamoDB for the local engine: dynalite (a real implementation of the DynamoDB API) on
 * loopback, in memory, with Glidepath's table created from the definition in template.yaml.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { RequestListener, Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

const require = createRequire(import.meta.url);

export interface LocalDynamo {
  url: string;
  /**
   * dynalite's own HTTP request listener, so that a server already holding the request (the
   * engine's endpoint) can have it answered in process, without a second loopback round trip.
   */
  handle: RequestListener;
  close(): Promise<void>;
}

export async function startDynalite(port = 0): Promise<LocalDynamo> {
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  // dynalite is `http.createServer(handler)`: its one 'request' listener answers every request.
  const listeners = server.listeners('request') as RequestListener[];
  if (listeners.length !== 1) throw new Error(`dynalite: expected one request listener, found ${listeners.length}`);
  return {
    url: `http://127.0.0.1:${bound}`,
    handle: listeners[0]!,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Creates a table from CloudFormation `AWS::DynamoDB::Table` properties (the template's own). */
export async function createTable(client: DynamoDBClient, tableName: string, properties: Record<string, unknown>): Promise<void> {
  const input: CreateTableCommandInput = {
    TableName: tableName,
    KeySchema: properties.KeySchema as CreateTableCommandInput['KeySchema'],
    AttributeDefinitions: properties.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    BillingMode: 'PAY_PER_REQUEST',
  };
  const gsis = properties.GlobalSecondaryIndexes as CreateTableCommandInput['GlobalSecondaryIndexes'];
  if (gsis?.length) input.GlobalSecondaryIndexes = gsis;
  await client.send(new CreateTableCommand(input));
}
