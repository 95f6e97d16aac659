/**
 * How the local engine's state machine calls functions: Glidepath's own handlers (the functions
 * of template.yaml) run in this process from their TypeScript source; any other function is
 * invoked through the local Lambda endpoint with the real SDK client, as Step Functions would.
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { bareFunctionName } from '../../shared/core/model/record.ts';
import type { EngineClock } from './clock.ts';
import type { Invoker } from './sfn/bindings.ts';
import type { StackFunction } from './stack.ts';
import { runWithEnvironment } from './endpoint/lambda/env.ts';
import { MAX_CAUSE_CHARS } from '../../shared/core/deployment/caught-error.ts';

export type ControllerFunctions = Map<string, StackFunction>;
type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** An error as Step Functions reports a failed Lambda: Error = errorType, Cause = its JSON, cut at 32,768 characters as Step Functions cuts it. */
export class LambdaTaskError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
  ) {
    super(JSON.stringify({ errorType, errorMessage, trace: [] }).slice(0, MAX_CAUSE_CHARS));
    this.name = errorType;
  }
}

function lambdaContext(fn: StackFunction, region: string, accountId: string) {
  const deadline = Date.now() + 900_000;
  return {
    functionName: fn.localName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${fn.localName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.localName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface InvokerOptions {
  controllers: ControllerFunctions;
  region: string;
  accountId: string;
  /** The environment each controller invocation runs with (its `process.env` for that invocation). */
  env: Record<string, string>;
  /** The engine's clock, handed to each controller through its composition root. */
  clock: EngineClock;
  /** Endpoint, region and credentials of the engine, for the Lambda client that invokes other functions. */
  clientEnv: Record<string, string>;
}

export function createInvoker(options: InvokerOptions): Invoker {
  const handlers = new Map<string, Promise<Handler>>();
  let lambda: LambdaClient | undefined;

  const load = (fn: StackFunction) => {
    let handler = handlers.get(fn.localName);
    if (!handler) {
      handler = import(pathToFileURL(fn.entry).href).then((mod: Record<string, unknown>) => {
        // Each engine gets its own handler (its own clients and ports), built on the engine's clock.
        if (typeof mod.createHandler === 'function') {
          return runWithEnvironment(options.env, () => (mod.createHandler as (o: { clock: EngineClock }) => Handler)({ clock: options.clock }));
        }
        const exported = mod[fn.exportName];
        if (typeof exported !== 'function') throw new Error(`${fn.entry} does not export ${fn.exportName}`);
        return exported as Handler;
      });
      handlers.set(fn.localName, handler);
    }
    return handler;
  };

  return async (functionNameOrArn, payload) => {
    const name = bareFunctionName(functionNameOrArn);
    const fn = options.controllers.get(name);
    if (fn) {
      try {
        // A JSON round trip, as the Lambda service would do, so no handler shares objects with the engine.
        const event = JSON.parse(JSON.stringify(payload ?? null)) as unknown;
        const run = async () => {
          const handler = await load(fn);
          return runWithEnvironment(options.env, () => handler(event, lambdaContext(fn, options.region, options.accountId)));
        };
        // A running handler is work — its cold start (loading its code) included: virtual time
        // stands still while it runs (not while it sleeps).
        const result = await (options.clock.holding ? options.clock.holding(run) : run());
        return result === undefined ? null : JSON.parse(JSON.stringify(result));
      } catch (error) {
        const e = error as Error;
        throw new LambdaTaskError(e.name || 'Error', e.message);
      }
    }
    const env = options.clientEnv;
    lambda ??= new LambdaClient({
      region: options.region,
      endpoint: env.AWS_ENDPOINT_URL_LAMBDA ?? env.AWS_ENDPOINT_URL,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'local', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'local' },
    });
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: functionNameOrArn, Payload: Buffer.from(JSON.stringify(payload ?? null)) }),
    );
    const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
    const body = text ? (JSON.parse(text) as unknown) : null;
    if (response.FunctionError) {
      const { errorType = 'Error', errorMessage = text } = (body ?? {}) as { errorType?: string; errorMessage?: string };
      throw new LambdaTaskError(errorType, errorMessage);
    }
    return body;
  };
}
