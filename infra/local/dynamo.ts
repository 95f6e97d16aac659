/**
 * DynamoDB for the local engine: dynalite (a real implementation of the DynamoDB API) on
 * loopback, in memory, with Glidepath's table created from the definition in template.yaml.
 * TransactWriteItems, which dynalite lacks, is answered in front of it (dynamo-transactions.ts).
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { boundDynaliteMemory, madeIn, type StoredSize } from './dynalite-memory.ts';
import { DynamoTransactionError, DynamoTransactions, TransactionGate } from './dynamo-transactions.ts';

const require = createRequire(import.meta.url);


export interface LocalDynamo {
  url: string;
  /**
   * dynalite's own HTTP request listener, so that a server already holding the request (the
   * engine's endpoint) can have it answered in process, without a second loopback round trip.
   */
  handle: RequestListener;
  /** What its tables hold in memory: entries (items and index entries) and their characters. */
  storedSize(): Promise<StoredSize>;
  close(): Promise<void>;
}

export async function startDynalite(port = 0): Promise<LocalDynamo> {
  boundDynaliteMemory();
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
  let server!: Server;
  const storedSize = madeIn(() => {
    server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  // dynalite is `http.createServer(handler)`: its one 'request' listener answers every request.
  const listeners = server.listeners('request') as RequestListener[];
  if (listeners.length !== 1) throw new Error(`dynalite: expected one request listener, found ${listeners.length}`);
  const url = `http://127.0.0.1:${bound}`;
  const dynaliteHandle = listeners[0]!;
  // The transactions reach dynalite itself on a port of their own (its tables are shared):
  // the public port answers through the front below, which holds other requests during one.
  const inner = createServer(dynaliteHandle);
  await new Promise<void>((resolve) => inner.listen(0, '127.0.0.1', () => resolve()));
  const innerUrl = `http://127.0.0.1:${(inner.address() as AddressInfo).port}`;
  const transactions = new DynamoTransactions(new DynamoDBClient({ endpoint: innerUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 }));
  const gate = new TransactionGate();
  // Requests under way when the engine closes end first; later ones are refused (as a service
  // that is going away would), so no request reaches a closed database.
  let closed = false;
  let inFlight = 0;
  const handle: RequestListener = (req, res) => {
    if (closed) {
      res.writeHead(503, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailableException', message: 'the local engine is closing' }));
      return;
    }
    inFlight++;
    res.once('close', () => inFlight--);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target === 'DynamoDB_20120810.TransactWriteItems') {
      void answerTransaction(req, res, (input) => gate.exclusive(() => transactions.transactWriteItems(input)));
      return;
    }
    void gate.enter().then((leave) => {
      res.once('close', leave);
      dynaliteHandle(req, res);
    });
  };
  server.removeAllListeners('request');
  server.on('request', handle);
  return {
    url,
    handle,
    storedSize,
    close: async () => {
      closed = true;
      for (let waited = 0; inFlight > 0 && waited < 2000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
      transactions.client.destroy();
      await Promise.all([server, inner].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

function answerTransaction(req: IncomingMessage, res: ServerResponse, run: (input: Record<string, unknown>) => Promise<Record<string, unknown>>): Promise<void> {
  const reply = (status: number, body: Record<string, unknown>) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  };
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        reply(400, { __type: 'com.amazon.coral.service#SerializationException', message: 'Could not parse the request body' });
        resolve();
        return;
      }
      run(input).then(
        (out) => reply(200, out),
        (error: unknown) => {
          if (error instanceof DynamoTransactionError) {
            const prefix = error.type === 'ValidationException' ? 'com.amazon.coral.validate#' : 'com.amazonaws.dynamodb.v20120810#';
            reply(400, { __type: `${prefix}${error.type}`, message: error.message, ...error.extra });
          } else {
            reply(500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: (error as Error).message });
          }
        },
      ).finally(resolve);
    });
  });
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
