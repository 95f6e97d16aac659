/**
 * DynamoDB for the local engine: dynalite (a real implementation of the DynamoDB API) on
 * loopback, in memory, with Glidepath's table created from the definition in template.yaml.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

const require = createRequire(import.meta.url);

export interface LocalDynamo {
  url: string;
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
  return {
    url: `http://127.0.0.1:${bound}`,
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
