/**
 * The loopback HTTP server: one `node:http` server, one port, every service. A request with
 * `x-amz-target` goes to the JSON service owning that prefix; any other to the REST route that
 * matches its method and path; a form-encoded POST (the query protocol) to the service whose API
 * `Version` it names; `/__glidepath/…` are the engine's own admin routes.
 */
import { gunzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { EngineClock } from '../clock.ts';
import { asServiceError, ServiceError } from './errors.ts';
import { FaultInjector, type FaultEffect, type FaultProbe, type FaultSpec } from './faults.ts';
import { parseQueryForm } from './query/form.ts';
import { queryErrorXml, queryResponseXml } from './query/xml.ts';
import { parseJsonBody, ServiceRegistry, type RequestContext, type RestResponse, type Service } from './services.ts';

/** Lambda's direct-upload limit is 50 MB of zip, i.e. ~67 MB of base64 JSON. */
const MAX_BODY_BYTES = 80 * 1024 * 1024;

export interface HttpEndpointOptions {
  clock: EngineClock;
  region: string;
  accountId: string;
  registry: ServiceRegistry;
  faults: FaultInjector;
}

export interface HttpEndpoint {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ServiceError('RequestEntityTooLargeException', `Request must be smaller than ${MAX_BODY_BYTES} bytes`, { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      // The SDKs gzip large CloudWatch bodies (request compression, as AWS accepts).
      if (String(req.headers['content-encoding'] ?? '').toLowerCase() !== 'gzip') return resolve(body);
      try {
        resolve(gunzipSync(body, { maxOutputLength: MAX_BODY_BYTES }));
      } catch {
        reject(new ServiceError('SerializationException', 'the request body is not valid gzip', { status: 400 }));
      }
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: Buffer | string): void {
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, 'content-length': String(payload?.length ?? 0) });
  res.end(payload);
}

/** What a fault may match on; the body is decoded only if an armed fault looks into it. */
function probe(path: string, body: Buffer): FaultProbe {
  let text: string | undefined;
  return {
    path,
    get body() {
      return (text ??= body.toString('utf8'));
    },
  };
}

function faultError(service: Service, spec: FaultSpec): ServiceError {
  if (spec.error === undefined) {
    return (service.kind === 'proxy' ? undefined : service.throttleError?.()) ?? new ServiceError('ThrottlingException', spec.message ?? 'Rate exceeded', { status: 400 });
  }
  const serverSide = /(ServiceException|InternalFailure|InternalServerError|ServiceUnavailable)$/.test(spec.error);
  return new ServiceError(spec.error, spec.message ?? `Injected fault: ${spec.error}`, { status: spec.status ?? (serverSide ? 500 : 400) });
}

export async function startHttpEndpoint(port: number, options: HttpEndpointOptions): Promise<HttpEndpoint> {
  const { registry, faults } = options;
  let baseUrl = '';

  /**
   * An affected call: waits its latency (letting the clock go meanwhile), then fails unless
   * latency-only. A lost answer is returned instead: the caller serves the call, then `loseAnswer`.
   */
  async function suffer(effect: FaultEffect | undefined, service: Service, wait: (ms: number) => Promise<void>): Promise<FaultEffect | undefined> {
    if (!effect) return undefined;
    if (effect.latencyMs > 0) await wait(effect.latencyMs);
    if (effect.lostAnswer) return effect;
    if (effect.fails) throw faultError(service, effect.spec);
    return undefined;
  }

  /** After a call that took effect: the answer is lost, the client gets the fault's error. */
  function loseAnswer(lost: FaultEffect | undefined, service: Service): void {
    if (lost) throw faultError(service, lost.spec);
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse, wait: (ms: number) => Promise<void>): Promise<void> {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', baseUrl);
    const rawPath = url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const common = { 'x-amzn-requestid': requestId };
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      const e = asServiceError(error);
      send(res, e.status, { ...common, 'content-type': 'application/json' }, JSON.stringify({ message: e.message }));
      return;
    }
    const ctx: RequestContext = {
      requestId,
      clock: options.clock,
      region: options.region,
      accountId: options.accountId,
      url: baseUrl,
      method,
      path: safeDecode(rawPath),
      query: url.searchParams,
      headers: req.headers,
      body,
    };

    const target = req.headers['x-amz-target'];
    if (typeof target === 'string' && target !== '') {
      const found = registry.byTarget(target);
      const service = found?.service;
      const contentType = `application/x-amz-json-${service?.kind === 'json' ? service.jsonVersion : '1.0'}`;
      const replyError = (e: ServiceError) => {
        const headers: Record<string, string> = { ...common, ...e.headers, 'content-type': contentType };
        if (service?.kind === 'json' && service.queryCompatible && e.queryCode) headers['x-amzn-query-error'] = `${e.queryCode};${e.fault}`;
        send(res, e.status, headers, JSON.stringify({ __type: e.code, [e.messageKey]: e.message, ...e.body }));
      };
      if (!found || !service) {
        replyError(new ServiceError('UnknownOperationException', `No local service serves x-amz-target ${target}`));
        return;
      }
      try {
        if (method !== 'POST') throw new ServiceError('MethodNotAllowedException', `method: ${method} is not allowed; ${target} takes POST`, { status: 405, headers: { allow: 'POST' } });
        const lost = await suffer(faults.take(service.name, found.operation, probe(rawPath, body)), service, wait);
        if (service.kind === 'proxy') {
          if (service.inProcess && !lost) {
            service.inProcess(replayed(req, body), res);
            return;
          }
          const answer = await forward(service.target, method, req.url ?? '/', req.headers, body);
          loseAnswer(lost, service);
          send(res, answer.status, answer.headers, answer.body);
          return;
        }
        const output = await service.handle(found.operation, parseJsonBody(body), ctx);
        loseAnswer(lost, service);
        send(res, 200, { ...common, 'content-type': contentType }, JSON.stringify(output ?? {}));
      } catch (error) {
        replyError(asServiceError(error));
      }
      return;
    }

    const found = registry.byPath(method, rawPath);
    if (!found && rawPath.startsWith('/__glidepath/')) {
      sendRest(res, common, await admin(method, rawPath, body));
      return;
    }
    if (!found && method === 'POST' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      await answerQuery(res, common, requestId, body, ctx, wait);
      return;
    }
    if (!found) {
      const e = new ServiceError('UnknownOperationException', `No local service serves ${method} ${rawPath}`, { status: 404 });
      send(res, e.status, { ...common, 'x-amzn-errortype': e.code, 'content-type': 'application/json' }, JSON.stringify({ message: e.message }));
      return;
    }
    try {
      const lost = await suffer(faults.take(found.service.name, found.route.operation, probe(rawPath, body)), found.service, wait);
      const reply = await found.route.handle(
        { params: found.params, query: url.searchParams, headers: req.headers, body, json: () => parseJsonBody(body) },
        ctx,
      );
      loseAnswer(lost, found.service);
      sendRest(res, common, reply);
    } catch (error) {
      const e = asServiceError(error, 'ServiceException');
      const errorBody = { ...found.service.errorBody?.(e), [e.messageKey]: e.message, ...e.body };
      send(res, e.status, { ...common, ...e.headers, 'x-amzn-errortype': e.code, 'content-type': 'application/json' }, JSON.stringify(errorBody));
    }
  }

  /** The query protocol: `Action` and `Version` in a form body pick the service and operation; XML back. */
  async function answerQuery(res: ServerResponse, common: Record<string, string>, requestId: string, body: Buffer, ctx: RequestContext, wait: (ms: number) => Promise<void>): Promise<void> {
    const version = new URLSearchParams(body.toString('utf8')).get('Version') ?? undefined;
    const service = registry.byQueryVersion(version);
    const xmlns = service?.query?.xmlns ?? 'https://local.glidepath/';
    const replyError = (e: ServiceError) => send(res, e.status, { ...common, 'content-type': 'text/xml' }, queryErrorXml(xmlns, e, requestId));
    if (!service?.query) {
      replyError(new ServiceError('InvalidAction', `No local service speaks the query protocol for Version ${version ?? '(none)'}`, { queryCode: 'InvalidAction' }));
      return;
    }
    try {
      const request = parseQueryForm(body, service.query.shapes);
      const lost = await suffer(faults.take(service.name, request.action, probe(ctx.path, body)), service, wait);
      let output: unknown;
      try {
        output = await service.handle(request.action, request.input, ctx);
      } catch (error) {
        const e = asServiceError(error);
        // The JSON side's "unknown operation" is the query protocol's InvalidAction.
        throw e.code === 'UnknownOperationException' ? new ServiceError('InvalidAction', e.message, { queryCode: 'InvalidAction' }) : e;
      }
      loseAnswer(lost, service);
      const xml = queryResponseXml(request.action, xmlns, (output ?? {}) as Record<string, unknown>, requestId, {
        timestamps: service.query.timestamps,
        ...(service.query.maps ? { maps: service.query.maps } : {}),
      });
      send(res, 200, { ...common, 'content-type': 'text/xml' }, xml);
    } catch (error) {
      replyError(asServiceError(error));
    }
  }

  async function admin(method: string, path: string, body: Buffer): Promise<RestResponse> {
    try {
      if (path === '/__glidepath/health' && method === 'GET') {
        return { status: 200, body: { services: registry.names(), now: options.clock.now(), speed: options.clock.speed } };
      }
      if (path === '/__glidepath/faults') {
        if (method === 'GET') return { status: 200, body: { faults: faults.list() } };
        if (method === 'DELETE') {
          faults.clear();
          return { status: 204 };
        }
        if (method === 'POST') {
          const spec = parseJsonBody(body) as unknown as FaultSpec;
          faults.add(spec);
          return { status: 201, body: { faults: faults.list() } };
        }
        return { status: 405, headers: { allow: 'GET, POST, DELETE' }, body: { message: `method: ${method} is not allowed on ${path}; use GET, POST or DELETE` } };
      }
      return { status: 404, body: { message: `No admin route ${method} ${path}` } };
    } catch (error) {
      return { status: 400, body: { message: (error as Error).message } };
    }
  }

  const server = createServer((req, res) => {
    // A request in flight is work: virtual time stands still until its answer has gone.
    let release = options.clock.hold?.();
    res.once('close', () => release?.());
    // A latency fault: the request lets go of the clock while it waits on it. In virtual time the
    // caller may hold the clock while it waits for the answer (a handler in `holding`), so the clock
    // would never reach the end of the latency: it moves on by it at once instead.
    const wait = async (ms: number) => {
      if (options.clock.virtual && options.clock.advance) {
        options.clock.advance(ms / 1000);
        return;
      }
      release?.();
      try {
        await options.clock.sleep(ms / 1000);
      } finally {
        release = options.clock.hold?.();
        if (res.closed) release?.();
      }
    };
    dispatch(req, res, wait).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { 'content-type': 'application/json' }, JSON.stringify({ message: String(error) }));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${bound}`;
  return {
    server,
    url: baseUrl,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function sendRest(res: ServerResponse, common: Record<string, string>, reply: RestResponse): void {
  const headers: Record<string, string> = { ...common, ...reply.headers };
  let body: Buffer | string | undefined;
  if (reply.body === undefined) body = undefined;
  else if (Buffer.isBuffer(reply.body) || typeof reply.body === 'string') body = reply.body;
  else {
    body = JSON.stringify(reply.body);
    headers['content-type'] ??= 'application/json';
  }
  send(res, reply.status, headers, body);
}

/**
 * The request again, for a listener in this process: its method, URL and headers, and a fresh
 * stream of the body this server has already read.
 */
function replayed(req: IncomingMessage, body: Buffer): IncomingMessage {
  const stream = new PassThrough();
  stream.end(body);
  return Object.assign(stream, { method: req.method, url: req.url, headers: req.headers }) as unknown as IncomingMessage;
}

/** Sends a request on to another local server and collects its answer. */
function forward(
  target: string,
  method: string,
  pathAndQuery: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const url = new URL(pathAndQuery, target);
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers: { ...headers, host: url.host } }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(incoming.headers)) {
          if (v !== undefined && k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection') out[k] = Array.isArray(v) ? v.join(', ') : v;
        }
        resolve({ status: incoming.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
      });
      incoming.on('error', reject);
    });
    outgoing.on('error', (error) => reject(new ServiceError('ServiceUnavailableException', `local proxy to ${target} failed: ${error.message}`, { status: 503 })));
    outgoing.end(body);
  });
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
