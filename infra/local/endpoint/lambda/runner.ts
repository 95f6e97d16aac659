/**
 * Runs a function's handler in this process the way the Lambda Node.js runtime runs it: resolves
 * `Handler` (`dir/file.export`) to `file.js`, `.mjs` or `.cjs`, imports it once per sandbox, calls
 * it with the event and a context object (async or callback style), and turns a thrown error,
 * a timeout or an import failure into the runtime's error payload
 * `{"errorType", "errorMessage", "trace"}`.
 *
 * Timeouts and durations are real time: handler work is not compressed by the simulated clock.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runWithEnvironment } from './env.ts';

/** Node's own dynamic import, also under test runners that rewrite `import()` in transformed code. */
const nativeImport = createRequire(import.meta.url)('./native-import.cjs') as (specifier: string) => Promise<Record<string, unknown>>;

/** Lambda's limit on a synchronous response payload. */
const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

type Handler = (event: unknown, context: unknown, callback?: (error?: unknown, result?: unknown) => void) => unknown;

export interface RunRequest {
  dir: string;
  handler: string;
  event: unknown;
  env: Record<string, string>;
  timeoutSeconds: number;
  context: {
    functionName: string;
    functionVersion: string;
    invokedFunctionArn: string;
    memoryLimitInMB: string;
    awsRequestId: string;
    logGroupName: string;
    logStreamName: string;
  };
  /** ISO time on the engine clock, used in the timeout message. */
  nowIso: () => string;
}

export interface RunResult {
  /** The response body: the JSON result, or the error payload. */
  payload: string;
  /** Set when the function failed (`Unhandled`, as the runtime reports it). */
  functionError?: 'Unhandled';
  errorType?: string;
  durationMs: number;
}

class RuntimeError extends Error {
  constructor(readonly errorType: string, message: string) {
    super(message);
  }
}

function errorPayload(error: unknown): { errorType: string; payload: string } {
  if (error instanceof RuntimeError) {
    return { errorType: error.errorType, payload: JSON.stringify({ errorType: error.errorType, errorMessage: error.message }) };
  }
  if (error instanceof Error) {
    const errorType = error.name || error.constructor?.name || 'Error';
    const trace = (error.stack ?? '').split('\n');
    return { errorType, payload: JSON.stringify({ errorType, errorMessage: error.message, trace }) };
  }
  const errorType = typeof error;
  return { errorType, payload: JSON.stringify({ errorType, errorMessage: String(error), trace: [] }) };
}

export class HandlerRunner {
  readonly #loaded = new Map<string, Promise<Handler>>();

  /** Imports the handler of a sandbox folder (once per folder and handler string). */
  load(dir: string, handler: string): Promise<Handler> {
    const key = `${dir}\u0000${handler}`;
    let loading = this.#loaded.get(key);
    if (!loading) {
      loading = importHandler(dir, handler);
      this.#loaded.set(key, loading);
      loading.catch(() => this.#loaded.delete(key));
    }
    return loading;
  }

  async run(request: RunRequest): Promise<RunResult> {
    // Duration, as Lambda reports it, is the handler's time: a cold start's init is not in it.
    let started = performance.now();
    const deadline = started + request.timeoutSeconds * 1000;
    const context = {
      ...request.context,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - performance.now())),
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const seconds = request.timeoutSeconds.toFixed(2);
        reject(new RuntimeError('Sandbox.Timedout', `${request.nowIso()} ${request.context.awsRequestId} Task timed out after ${seconds} seconds`));
      }, request.timeoutSeconds * 1000);
    });
    try {
      const work = runWithEnvironment({ ...request.env }, async () => {
        const handler = await this.load(request.dir, request.handler);
        started = performance.now();
        return call(handler, request.event, context);
      });
      const result = await Promise.race([work, timeout]);
      const payload = JSON.stringify(result === undefined ? null : result);
      if (Buffer.byteLength(payload) > MAX_RESPONSE_BYTES) {
        throw new RuntimeError('Function.ResponseSizeTooLarge', `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`);
      }
      return { payload, durationMs: performance.now() - started };
    } catch (error) {
      const { errorType, payload } = errorPayload(error);
      return { payload, functionError: 'Unhandled', errorType, durationMs: performance.now() - started };
    } finally {
      clearTimeout(timer);
    }
  }
}

function call(handler: Handler, event: unknown, context: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: unknown, result?: unknown) => {
      if (settled) return;
      settled = true;
      if (error !== undefined && error !== null) reject(error);
      else resolve(result);
    };
    try {
      const returned = handler(event, context, (error, result) => settle(error, result));
      if (returned && typeof (returned as Promise<unknown>).then === 'function') {
        (returned as Promise<unknown>).then((r) => settle(undefined, r), (e: unknown) => settle(e ?? new Error('Promise rejected')));
      } else if (handler.length < 3) {
        settle(undefined, returned);
      }
    } catch (error) {
      settle(error);
    }
  });
}

async function importHandler(dir: string, handler: string): Promise<Handler> {
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot < 0) throw new RuntimeError('Runtime.MalformedHandlerName', `Bad handler ${handler}: missing the export name (expected file.export)`);
  const modulePath = handler.slice(0, dot);
  const exportPath = handler.slice(dot + 1).split('.');
  const file = ['.js', '.mjs', '.cjs'].map((ext) => join(dir, modulePath + ext)).find((f) => existsSync(f));
  if (!file) {
    throw new RuntimeError('Runtime.ImportModuleError', `Error: Cannot find module '${modulePath}'`);
  }
  let module: Record<string, unknown>;
  try {
    module = await nativeImport(pathToFileURL(file).href);
  } catch (error) {
    if (error instanceof SyntaxError) throw new RuntimeError('Runtime.UserCodeSyntaxError', `${error.name}: ${error.message}`);
    throw error;
  }
  let target: unknown = module;
  for (const [i, part] of exportPath.entries()) {
    const holder = target as Record<string, unknown> | undefined;
    let next = holder?.[part];
    // A CommonJS module's exports may only be reachable through `default`.
    if (next === undefined && i === 0) next = (module.default as Record<string, unknown> | undefined)?.[part];
    target = next;
  }
  if (typeof target !== 'function') {
    throw new RuntimeError('Runtime.HandlerNotFound', `${handler} is undefined or not exported`);
  }
  return target as Handler;
}
