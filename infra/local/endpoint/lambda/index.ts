/**
 * The local Lambda service: functions, versions, aliases and invocations, served over restJson1
 * (`restService`) and usable directly from JS (`invokeJson` is an engine-side invoker).
 */
import { rmSync } from 'node:fs';
import type { EngineClock } from '../../clock.ts';
import { ServiceError } from '../errors.ts';
import { restService, type RestService } from '../services.ts';
import { Invoker, type InvocationRecord, type InvokeOptions, type InvokeResult } from './invoke.ts';
import { effectiveQualifier, parseFunctionName, type Account } from './names.ts';
import { lambdaRoutes } from './routes.ts';
import { LambdaStore, type S3CodeResolver } from './store.ts';

export interface LocalLambdaOptions {
  clock: EngineClock;
  account: Account;
  /** Folder for unpacked sandboxes; must sit under the project so `@aws-sdk/*` imports resolve. */
  codeRoot: string;
  /** Variables every handler gets (the engine's endpoint URLs and the like), read at each call. */
  engineEnv: () => Record<string, string>;
  onInvocation?: (record: InvocationRecord) => void;
  resolveS3Code?: S3CodeResolver;
  /** Source of the weighted-alias draw (default Math.random). */
  random?: () => number;
}

/** A failed invocation, as the Lambda runtime reported it. */
export class FunctionError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    readonly payload: unknown,
  ) {
    super(message);
    this.name = errorType;
  }
}

/**
 * A function served by a handler of the engine's own process (Glidepath's functions, which the
 * engine runs from their source): it answers Invoke as Lambda does, `x-amz-function-error:
 * Unhandled` with `{errorType, errorMessage}` when the handler throws.
 */
export type InProcessFunction = (event: unknown) => Promise<unknown>;

export class LocalLambda {
  readonly store: LambdaStore;
  readonly #inProcess = new Map<string, InProcessFunction>();
  readonly invoker: Invoker;
  readonly service: RestService;

  constructor(readonly options: LocalLambdaOptions) {
    this.store = new LambdaStore(options.account, options.clock, options.resolveS3Code);
    this.invoker = new Invoker({
      store: this.store,
      clock: options.clock,
      account: options.account,
      codeRoot: options.codeRoot,
      engineEnv: options.engineEnv,
      ...(options.onInvocation ? { onInvocation: options.onInvocation } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
    this.service = restService({
      name: 'lambda',
      routes: lambdaRoutes(this),
      errorBody: (e) => ({ Type: e.status >= 500 ? 'Service' : 'User' }),
      throttleError: () =>
        new ServiceError('TooManyRequestsException', 'Rate Exceeded.', { status: 429, body: { Reason: 'CallerRateLimitExceeded' } }),
    });
  }

  /** Serves Invoke of the function `name` with `run`; returns the undo. */
  serveInProcess(name: string, run: InProcessFunction): () => void {
    this.#inProcess.set(name, run);
    return () => this.#inProcess.delete(name);
  }

  inProcess(name: string): InProcessFunction | undefined {
    return this.#inProcess.get(name);
  }

  /** Invokes by name or ARN (qualifier inside or in options), as the Invoke API does. */
  invoke(functionNameOrArn: string, payload: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
    const ref = parseFunctionName(functionNameOrArn, { namespaced: true });
    const qualifier = effectiveQualifier(ref, options.qualifier);
    const fn = this.store.get(ref.name);
    const body = Buffer.from(payload === undefined ? '' : JSON.stringify(payload), 'utf8');
    return this.invoker.invoke(fn, body, { ...options, ...(qualifier === undefined ? {} : { qualifier }) });
  }

  /** Invokes synchronously; resolves with the parsed result or rejects with a FunctionError named by errorType. */
  async invokeJson(functionNameOrArn: string, payload: unknown): Promise<unknown> {
    const result = await this.invoke(functionNameOrArn, payload);
    const parsed: unknown = result.payload === '' ? null : JSON.parse(result.payload);
    if (result.functionError) {
      const p = parsed as { errorType?: string; errorMessage?: string };
      throw new FunctionError(p?.errorType ?? 'Unhandled', p?.errorMessage ?? 'function error', parsed);
    }
    return parsed;
  }

  /** Waits for Event invocations still running in the background. */
  drain(): Promise<void> {
    return this.invoker.drain();
  }

  close(): void {
    this.invoker.close();
    rmSync(this.options.codeRoot, { recursive: true, force: true });
  }
}

export type { InvocationRecord, InvokeResult, InvokeOptions };
