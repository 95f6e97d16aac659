/**
 * Lambda's restJson1 wire API: each route's method, path and success status are those of the
 * botocore model (lambda/2015-03-31) and of @aws-sdk/client-lambda's schema.
 */
import { ServiceError } from '../errors.ts';
import type { RestRequest, RestResponse, RestRoute } from '../services.ts';
import { validate } from '../validation.ts';
import { createAlias, deleteAlias, getAlias, listAliases, renderAlias, updateAlias } from './aliases.ts';
import type { InProcessFunction, LocalLambda } from './index.ts';
import { effectiveQualifier, FUNCTION_ARN_PATTERN, invalidParameter, LATEST, parseFunctionName } from './names.ts';

const F = '/2015-03-31/functions';
const T = '/2017-03-31/tags';

/** Marker/MaxItems pagination as the list operations do it. */
function page<T>(items: T[], req: RestRequest, defaultMax: number): { items: T[]; next?: string } {
  const rawMax = req.query.get('MaxItems');
  const max = rawMax === null ? defaultMax : Number(rawMax);
  validate([['maxItems', rawMax === null ? undefined : max, { type: 'integer', min: 1, max: 10000 }]]);
  const marker = req.query.get('Marker');
  const start = marker ? Number.parseInt(Buffer.from(marker, 'base64url').toString('utf8'), 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw invalidParameter(`Invalid Marker: ${marker}`);
  const slice = items.slice(start, start + max);
  return start + max < items.length ? { items: slice, next: Buffer.from(String(start + max)).toString('base64url') } : { items: slice };
}

function functionOf(lambda: LocalLambda, req: RestRequest, namespaced = false) {
  const ref = parseFunctionName(req.params.FunctionName, { namespaced });
  return { ref, fn: lambda.store.get(ref.name) };
}

function tagTarget(lambda: LocalLambda, req: RestRequest) {
  const arn = req.params.ARN;
  validate([['resource', arn, { required: true, type: 'string', pattern: FUNCTION_ARN_PATTERN }]]);
  const ref = parseFunctionName(arn);
  if (ref.qualifier !== undefined) throw invalidParameter('Tags on function aliases and versions are not supported. Please specify a function ARN.');
  return lambda.store.get(ref.name);
}

const json = (status: number, body: unknown): RestResponse => ({ status, body });

export function lambdaRoutes(lambda: LocalLambda): RestRoute[] {
  const { store } = lambda;
  const route = (method: string, path: string, operation: string, handle: RestRoute['handle']): RestRoute => ({ method, path, operation, handle });

  return [
    route('POST', F, 'CreateFunction', async (req) => {
      const { fn, version } = await store.create(req.json());
      return json(201, store.render(fn, version, version.version === LATEST ? undefined : version.version));
    }),
    route('GET', F, 'ListFunctions', (req) => {
      const all = req.query.get('FunctionVersion') === 'ALL';
      if (req.query.has('FunctionVersion') && !all) {
        validate([['functionVersion', req.query.get('FunctionVersion'), { enum: ['ALL'] }]]);
      }
      const entries = [...store.functions.values()].sort((a, b) => a.name.localeCompare(b.name)).flatMap((fn) =>
        all
          ? [store.render(fn, fn.latest, LATEST), ...[...fn.versions.values()].map((v) => store.render(fn, v, v.version))]
          : [store.render(fn, fn.latest)],
      );
      const { items, next } = page(entries, req, 50);
      return json(200, { Functions: items, ...(next ? { NextMarker: next } : {}) });
    }),
    route('GET', `${F}/{FunctionName}`, 'GetFunction', (req, ctx) => {
      const { ref, fn } = functionOf(lambda, req, true);
      const qualifier = effectiveQualifier(ref, req.query.get('Qualifier'));
      const version = store.resolve(fn, qualifier);
      const code = version.code.imageUri
        ? { RepositoryType: 'ECR', ImageUri: version.code.imageUri, ResolvedImageUri: version.code.imageUri }
        : { RepositoryType: 'S3', Location: `${ctx.url}/__glidepath/lambda/code/${encodeURIComponent(fn.name)}/${encodeURIComponent(version.version)}` };
      return json(200, {
        Configuration: store.render(fn, version, qualifier),
        Code: code,
        ...(Object.keys(fn.tags).length > 0 ? { Tags: { ...fn.tags } } : {}),
      });
    }),
    route('DELETE', `${F}/{FunctionName}`, 'DeleteFunction', (req) => {
      const { ref, fn } = functionOf(lambda, req);
      store.delete(fn, effectiveQualifier(ref, req.query.get('Qualifier')));
      return { status: 204 };
    }),
    route('GET', `${F}/{FunctionName}/configuration`, 'GetFunctionConfiguration', (req) => {
      const { ref, fn } = functionOf(lambda, req, true);
      const qualifier = effectiveQualifier(ref, req.query.get('Qualifier'));
      return json(200, store.render(fn, store.resolve(fn, qualifier), qualifier));
    }),
    route('PUT', `${F}/{FunctionName}/configuration`, 'UpdateFunctionConfiguration', (req) => {
      const { fn } = functionOf(lambda, req);
      return json(200, store.render(fn, store.updateConfiguration(fn, req.json())));
    }),
    route('PUT', `${F}/{FunctionName}/code`, 'UpdateFunctionCode', async (req) => {
      const { fn } = functionOf(lambda, req);
      const version = await store.updateCode(fn, req.json());
      return json(200, store.render(fn, version, version.version === LATEST ? undefined : version.version));
    }),
    route('POST', `${F}/{FunctionName}/versions`, 'PublishVersion', (req) => {
      const { fn } = functionOf(lambda, req);
      const version = store.publish(fn, req.json());
      return json(201, store.render(fn, version, version.version));
    }),
    route('GET', `${F}/{FunctionName}/versions`, 'ListVersionsByFunction', (req) => {
      const { fn } = functionOf(lambda, req, true);
      const versions = [fn.latest, ...[...fn.versions.values()].sort((a, b) => Number(a.version) - Number(b.version))];
      const { items, next } = page(versions.map((v) => store.render(fn, v, v.version)), req, 50);
      return json(200, { Versions: items, ...(next ? { NextMarker: next } : {}) });
    }),
    route('POST', `${F}/{FunctionName}/aliases`, 'CreateAlias', (req) => {
      const { fn } = functionOf(lambda, req);
      return json(201, renderAlias(store, fn, createAlias(store, fn, req.json())));
    }),
    route('GET', `${F}/{FunctionName}/aliases`, 'ListAliases', (req) => {
      const { fn } = functionOf(lambda, req);
      const aliases = listAliases(fn, req.query.get('FunctionVersion') ?? undefined).map((a) => renderAlias(store, fn, a));
      const { items, next } = page(aliases, req, 50);
      return json(200, { Aliases: items, ...(next ? { NextMarker: next } : {}) });
    }),
    route('GET', `${F}/{FunctionName}/aliases/{Name}`, 'GetAlias', (req) => {
      const { fn } = functionOf(lambda, req);
      return json(200, renderAlias(store, fn, getAlias(store, fn, req.params.Name!)));
    }),
    route('PUT', `${F}/{FunctionName}/aliases/{Name}`, 'UpdateAlias', (req) => {
      const { fn } = functionOf(lambda, req);
      return json(200, renderAlias(store, fn, updateAlias(store, fn, req.params.Name!, req.json())));
    }),
    route('DELETE', `${F}/{FunctionName}/aliases/{Name}`, 'DeleteAlias', (req) => {
      const { fn } = functionOf(lambda, req);
      deleteAlias(fn, req.params.Name!);
      return { status: 204 };
    }),
    route('POST', `${F}/{FunctionName}/invocations`, 'Invoke', async (req) => invokeRoute(lambda, req)),
    route('POST', `${T}/{ARN}`, 'TagResource', (req) => {
      const fn = tagTarget(lambda, req);
      const body = req.json();
      validate([['tags', body.Tags, { required: true, type: 'map' }]]);
      for (const [k, v] of Object.entries(body.Tags as Record<string, unknown>)) fn.tags[k] = String(v);
      return { status: 204 };
    }),
    route('GET', `${T}/{ARN}`, 'ListTags', (req) => json(200, { Tags: { ...tagTarget(lambda, req).tags } })),
    route('DELETE', `${T}/{ARN}`, 'UntagResource', (req) => {
      const fn = tagTarget(lambda, req);
      const keys = req.query.getAll('tagKeys');
      validate([['tagKeys', keys.length === 0 ? undefined : keys, { required: true }]]);
      for (const key of keys) delete fn.tags[key];
      return { status: 204 };
    }),
    // Where GetFunction's Code.Location points: the version's deployment package.
    route('GET', '/__glidepath/lambda/code/{FunctionName}/{Version}', 'GetFunctionCodeLocation', (req) => {
      const { fn } = functionOf(lambda, req);
      const zip = store.resolve(fn, req.params.Version).code.zip;
      if (!zip) throw new ServiceError('ResourceNotFoundException', 'No deployment package stored for this version', { status: 404 });
      return { status: 200, headers: { 'content-type': 'application/zip' }, body: Buffer.from(zip) };
    }),
  ];
}

/** Invoke of a function the engine runs in its own process: RequestResponse only, as its callers use it. */
async function invokeInProcess(run: InProcessFunction, req: RestRequest): Promise<RestResponse> {
  const type = req.headers['x-amz-invocation-type'];
  if (type !== undefined && type !== 'RequestResponse') throw invalidParameter(`the engine's own functions are invoked with RequestResponse, got ${String(type)}`);
  let event: unknown = {};
  if (req.body.length > 0) {
    try {
      event = JSON.parse(req.body.toString('utf8'));
    } catch (error) {
      throw new ServiceError('InvalidRequestContentException', `Could not parse request body into json: ${(error as Error).message}`);
    }
  }
  const headers: Record<string, string> = { 'x-amz-executed-version': LATEST, 'content-type': 'application/json' };
  try {
    const result = await run(event);
    return { status: 200, headers, body: JSON.stringify(result ?? null) };
  } catch (error) {
    const { errorType, errorMessage } = runtimeError(error);
    return { status: 200, headers: { ...headers, 'x-amz-function-error': 'Unhandled' }, body: JSON.stringify({ errorType, errorMessage, trace: [] }) };
  }
}

/** `{errorType, errorMessage}` as the Lambda runtime reports a thrown error (its name, its message). */
function runtimeError(error: unknown): { errorType: string; errorMessage: string } {
  const e = error as { errorType?: unknown; errorMessage?: unknown; name?: unknown; message?: unknown };
  if (typeof e?.errorType === 'string') return { errorType: e.errorType, errorMessage: String(e.errorMessage ?? '') };
  return { errorType: typeof e?.name === 'string' && e.name ? e.name : 'Error', errorMessage: typeof e?.message === 'string' ? e.message : String(error) };
}

async function invokeRoute(lambda: LocalLambda, req: RestRequest): Promise<RestResponse> {
  const served = lambda.inProcess(parseFunctionName(req.params.FunctionName, { namespaced: true }).name);
  if (served) return invokeInProcess(served, req);
  const { ref, fn } = functionOf(lambda, req, true);
  const qualifier = effectiveQualifier(ref, req.query.get('Qualifier'));
  const header = (name: string) => {
    const value = req.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const result = await lambda.invoker.invoke(fn, req.body, {
    ...(qualifier === undefined ? {} : { qualifier }),
    ...(header('x-amz-invocation-type') ? { invocationType: header('x-amz-invocation-type') as 'Event' } : {}),
    ...(header('x-amz-log-type') ? { logType: header('x-amz-log-type') as 'Tail' } : {}),
  });
  const headers: Record<string, string> = { 'x-amz-executed-version': result.executedVersion };
  if (result.functionError) headers['x-amz-function-error'] = result.functionError;
  if (result.logResult) headers['x-amz-log-result'] = result.logResult;
  if (result.statusCode === 200) headers['content-type'] = 'application/json';
  return { status: result.statusCode, headers, body: result.statusCode === 200 ? result.payload : undefined };
}

