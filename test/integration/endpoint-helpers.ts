/** Shared set-up for the loopback endpoint's integration tests: real SDK clients, real zips. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateFunctionCommand, LambdaClient, type CreateFunctionCommandInput } from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import { functionReady } from '../support/function-ready.ts';
import { SimulatedClock } from '../../infra/local/clock.ts';
import { LOCAL_CREDENTIALS, startEndpoint, type Endpoint, type EndpointOptions } from '../../infra/local/endpoint/index.ts';

export const ROLE = 'arn:aws:iam::000000000000:role/glidepath-test';
export const OTHER_ROLE = 'arn:aws:iam::000000000000:role/glidepath-other';

export function zipOf(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])));
}

/** An ESM handler returning `{ tag, version, event }`, or throwing when the event says `fail`. */
export function taggedHandler(tag: string): Uint8Array {
  return zipOf({
    'index.mjs': `export const handler = async (event, context) => {
  if (event && event.fail) throw new RangeError('failing on purpose: ' + ${JSON.stringify(tag)});
  return { tag: ${JSON.stringify(tag)}, version: context.functionVersion, event };
};`,
  });
}

export interface TestEndpoint {
  endpoint: Endpoint;
  clock: SimulatedClock;
  lambda: LambdaClient;
  cloudwatch: CloudWatchClient;
  close(): Promise<void>;
}

export async function startTestEndpoint(
  options: EndpointOptions & { speed?: number; maxAttempts?: number } = {},
): Promise<TestEndpoint> {
  const clock = new SimulatedClock({ start: Date.parse('2026-03-01T12:00:00Z'), speed: options.speed ?? 1 });
  // A short Pending / InProgress (the engine's default is a second): the tests run at real speed.
  const endpoint = await startEndpoint({ clock, functionTransitionSeconds: 0.02, ...options });
  const config = {
    endpoint: endpoint.url,
    region: endpoint.region,
    credentials: LOCAL_CREDENTIALS,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  };
  const lambda = new LambdaClient(config);
  const cloudwatch = new CloudWatchClient(config);
  return {
    endpoint,
    clock,
    lambda,
    cloudwatch,
    async close() {
      lambda.destroy();
      cloudwatch.destroy();
      await endpoint.close();
    },
  };
}

/** CreateFunction, then waits until the function is Active; answers what CreateFunction answered. */
export async function createFunction(lambda: LambdaClient, name: string, zip: Uint8Array, extra: Partial<CreateFunctionCommandInput> = {}, clock?: SimulatedClock) {
  const created = await lambda.send(
    new CreateFunctionCommand({ FunctionName: name, Role: ROLE, Runtime: 'nodejs22.x', Handler: 'index.handler', Code: { ZipFile: zip }, ...extra }),
  );
  await functionReady(lambda, name, clock);
  return created;
}

export { functionReady };

export function payloadOf(payload: Uint8Array | undefined): any {
  return JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8'));
}

/** Runs `fn`, expecting it to throw; returns the error for assertions. */
export async function rejectionOf(fn: () => Promise<unknown>): Promise<any> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to be rejected, but it succeeded');
}
