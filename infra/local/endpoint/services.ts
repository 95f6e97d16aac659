/**
 * How a service plugs into the loopback endpoint. Two kinds, after the two protocol families:
 *
 * - JsonService (awsJson1_0 / awsJson1_1): `POST /` with `x-amz-target: <targetPrefix>.<Operation>`;
 *   `handle(operation, input)` returns the output object. Errors: throw `ServiceError` (or any
 *   error with a string `code`, which becomes a 400 of that name).
 * - RestService (restJson1): routes by method and path template, e.g.
 *   `GET /2015-03-31/functions/{FunctionName}/aliases/{Name}`, each naming its operation.
 *
 * Example (Step Functions):
 *   endpoint.registerService(jsonService({ name: 'sfn', targetPrefix: 'AWSStepFunctions',
 *     jsonVersion: '1.0', handle: (op, input) => handleSfnOperation(sfn, op, input) }));
 */
import type { IncomingHttpHeaders, RequestListener } from 'node:http';
import type { EngineClock } from '../clock.ts';
import { ServiceError } from './errors.ts';
import type { QueryShapes } from './query/form.ts';

export interface RequestContext {
  requestId: string;
  clock: EngineClock;
  region: string;
  accountId: string;
  /** Base URL of the endpoint, e.g. `http://127.0.0.1:4010`. */
  url: string;
  method: string;
  /** Decoded path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface JsonService {
  kind: 'json';
  /** Short service name, used by fault injection: `cloudwatch`, `sfn`, `codedeploy`, `events`. */
  name: string;
  /** The `x-amz-target` prefix before the dot, e.g. `GraniteServiceVersion20100801`. */
  targetPrefix: string;
  jsonVersion: '1.0' | '1.1';
  /** Query-compatible services (CloudWatch) also send `x-amzn-query-error: <Code>;Sender`. */
  queryCompatible?: boolean;
  handle(operation: string, input: Record<string, unknown>, ctx: RequestContext): unknown;
  /**
   * The same operations over the query protocol too (form-encoded `Action=…&Version=…`, XML
   * answers), as older clients of query-compatible services send them.
   */
  query?: QueryProtocol;
  /** The error a throttling fault raises (default `ThrottlingException`). */
  throttleError?(): ServiceError;
}

export interface QueryProtocol {
  /** The API version the form's `Version` names, e.g. `2010-08-01`. */
  version: string;
  xmlns: string;
  shapes: QueryShapes;
  /** Output member names that hold timestamps (epoch seconds in the JSON output). */
  timestamps: ReadonlySet<string>;
  /** Output members that are maps (XML `<entry><key/><value/></entry>`), e.g. ExtendedStatistics. */
  maps?: ReadonlySet<string>;
}

export interface RestResponse {
  status: number;
  headers?: Record<string, string>;
  /** A Buffer or string is sent as is; anything else as JSON; undefined sends no body. */
  body?: unknown;
}

export interface RestRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as a JSON object ({} when empty); a malformed body is a SerializationException. */
  json(): Record<string, unknown>;
}

export interface RestRoute {
  method: string;
  /** Path template with `{Label}` segments, e.g. `/2015-03-31/functions/{FunctionName}`. */
  path: string;
  operation: string;
  handle(req: RestRequest, ctx: RequestContext): RestResponse | Promise<RestResponse>;
}

export interface RestService {
  kind: 'rest';
  name: string;
  routes: RestRoute[];
  /** Members added to every error body (Lambda: `{"Type": "User"}`). */
  errorBody?(error: ServiceError): Record<string, unknown>;
  throttleError?(): ServiceError;
}

/** Forwards every request of an `x-amz-target` prefix to another local server (e.g. dynalite). */
export interface ProxyService {
  kind: 'proxy';
  name: string;
  targetPrefix: string;
  /** Base URL of the server that answers, e.g. `http://127.0.0.1:4567`. */
  target: string;
  /**
   * That server's request listener, when it lives in this process: the request is handed to it
   * (same method, URL, headers and body) and it answers on the endpoint's own response.
   */
  inProcess?: RequestListener;
}

export type Service = JsonService | RestService | ProxyService;
export type TargetService = JsonService | ProxyService;

/** Short names (for fault injection) of the x-amz-target prefixes the engine knows. */
export const TARGET_NAMES: Record<string, string> = {
  AWSStepFunctions: 'sfn',
  CodeDeploy_20141006: 'codedeploy',
  AWSEvents: 'events',
  DynamoDB_20120810: 'dynamodb',
  AWSScheduler: 'scheduler',
  GraniteServiceVersion20100801: 'cloudwatch',
};

export function jsonService(definition: Omit<JsonService, 'kind'>): JsonService {
  return { kind: 'json', ...definition };
}

export function restService(definition: Omit<RestService, 'kind'>): RestService {
  return { kind: 'rest', ...definition };
}

export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ServiceError('SerializationException', `Could not parse request body as JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ServiceError('SerializationException', 'The request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

interface CompiledRoute {
  service: RestService;
  route: RestRoute;
  regex: RegExp;
  labels: string[];
}

/** The registered services and the lookup from a request to its service and operation. */
export class ServiceRegistry {
  readonly #byName = new Map<string, Service>();
  readonly #byTarget = new Map<string, TargetService>();
  readonly #byQueryVersion = new Map<string, JsonService>();
  #routes: CompiledRoute[] = [];

  register(service: Service): () => void {
    if (this.#byName.has(service.name)) throw new Error(`endpoint: a service named ${service.name} is already registered`);
    if (service.kind !== 'rest') {
      if (this.#byTarget.has(service.targetPrefix)) throw new Error(`endpoint: x-amz-target prefix ${service.targetPrefix} is taken`);
      this.#byTarget.set(service.targetPrefix, service);
      if (service.kind === 'json' && service.query) this.#byQueryVersion.set(service.query.version, service);
    } else {
      for (const route of service.routes) this.#routes.push(compile(service, route));
    }
    this.#byName.set(service.name, service);
    return () => this.unregister(service.name);
  }

  unregister(name: string): void {
    const service = this.#byName.get(name);
    if (!service) return;
    this.#byName.delete(name);
    if (service.kind !== 'rest') {
      this.#byTarget.delete(service.targetPrefix);
      if (service.kind === 'json' && service.query) this.#byQueryVersion.delete(service.query.version);
    } else this.#routes = this.#routes.filter((r) => r.service !== service);
  }

  names(): string[] {
    return [...this.#byName.keys()];
  }

  /** `x-amz-target: Prefix.Operation` → the JSON service and operation. */
  byTarget(target: string): { service: TargetService; operation: string } | undefined {
    const dot = target.lastIndexOf('.');
    if (dot < 0) return undefined;
    const service = this.#byTarget.get(target.slice(0, dot));
    return service && { service, operation: target.slice(dot + 1) };
  }

  /** A query-protocol request's `Version` → the service that speaks it. */
  byQueryVersion(version: string | undefined): JsonService | undefined {
    if (version !== undefined) return this.#byQueryVersion.get(version);
    return this.#byQueryVersion.size === 1 ? [...this.#byQueryVersion.values()][0] : undefined;
  }

  /** Method + raw path → the REST route and its decoded labels. */
  byPath(method: string, rawPath: string): { service: RestService; route: RestRoute; params: Record<string, string> } | undefined {
    for (const compiled of this.#routes) {
      if (compiled.route.method !== method) continue;
      const match = compiled.regex.exec(rawPath);
      if (!match) continue;
      const params: Record<string, string> = {};
      compiled.labels.forEach((label, i) => {
        params[label] = decodeURIComponent(match[i + 1]!);
      });
      return { service: compiled.service, route: compiled.route, params };
    }
    return undefined;
  }
}

function compile(service: RestService, route: RestRoute): CompiledRoute {
  const labels: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const label = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(segment);
      if (!label) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      labels.push(label[1]!);
      return label[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { service, route, regex: new RegExp(`^${source}/?$`), labels };
}
