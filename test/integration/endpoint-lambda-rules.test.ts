/**
 * The real service's rules, as @aws-sdk/client-lambda surfaces them: exception classes, HTTP
 * statuses, and the fault injection that makes the next calls throttle.
 */
import {
  CreateAliasCommand, DeleteFunctionCommand, GetAliasCommand, GetFunctionCommand, InvalidParameterValueException,
  InvalidRequestContentException, InvokeCommand, LambdaClient, LambdaServiceException, ListAliasesCommand, PreconditionFailedException,
  PublishVersionCommand, ResourceConflictException, ResourceNotFoundException, TooManyRequestsException, UpdateAliasCommand,
  UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../infra/local/endpoint/index.ts';
import { createFunction, functionReady, OTHER_ROLE, rejectionOf, ROLE, startTestEndpoint, taggedHandler, zipOf, type TestEndpoint } from './endpoint-helpers.ts';

let t: TestEndpoint;
const FN = 'rules-fn';

beforeAll(async () => {
  t = await startTestEndpoint({ speed: 1 });
  await createFunction(t.lambda, FN, taggedHandler('one'), { Publish: true }); // version 1
  await t.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FN, ZipFile: taggedHandler('two'), Publish: true })); // version 2
  await functionReady(t.lambda, FN);
  await t.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FN, ZipFile: taggedHandler('three'), Publish: true })); // version 3
  await functionReady(t.lambda, FN);
  await t.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: FN, Role: OTHER_ROLE }));
  await functionReady(t.lambda, FN);
  await t.lambda.send(new PublishVersionCommand({ FunctionName: FN })); // version 4, another role
  await t.lambda.send(new CreateAliasCommand({ FunctionName: FN, Name: 'live', FunctionVersion: '1' }));
});
afterAll(async () => {
  await t.close();
});

const weights = (w: Record<string, number>, primary = '1') =>
  new UpdateAliasCommand({ FunctionName: FN, Name: 'live', FunctionVersion: primary, RoutingConfig: { AdditionalVersionWeights: w } });

describe('weighted alias rules', () => {
  it('accepts weights at both ends of [0.0, 1.0]', async () => {
    expect((await t.lambda.send(weights({ '2': 0 }))).RoutingConfig?.AdditionalVersionWeights).toEqual({ '2': 0 });
    expect((await t.lambda.send(weights({ '2': 1 }))).RoutingConfig?.AdditionalVersionWeights).toEqual({ '2': 1 });
  });

  it('refuses more than one additional version (InvalidParameterValueException)', async () => {
    const error = await rejectionOf(() => t.lambda.send(weights({ '2': 0.1, '3': 0.1 })));
    expect(error).toBeInstanceOf(InvalidParameterValueException);
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toBe('Number of items in AdditionalVersionWeights cannot be greater than 1');
  });

  it.each([1.5, -0.1])('refuses weight %s outside [0, 1] (ValidationException)', async (w) => {
    const error = await rejectionOf(() => t.lambda.send(weights({ '2': w })));
    expect(error).toBeInstanceOf(LambdaServiceException);
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain("at 'routingConfig.additionalVersionWeights' failed to satisfy constraint");
  });

  it('refuses $LATEST in routing, as the weighted key (ValidationException) or as the primary version (InvalidParameterValueException)', async () => {
    const asKey = await rejectionOf(() => t.lambda.send(weights({ $LATEST: 0.1 })));
    expect(asKey.name).toBe('ValidationException');
    const asPrimary = await rejectionOf(() => t.lambda.send(weights({ '2': 0.1 }, '$LATEST')));
    expect(asPrimary).toBeInstanceOf(InvalidParameterValueException);
    expect(asPrimary.message).toBe('$LATEST is not supported for an alias pointing to more than 1 version');
  });

  it('refuses the primary version as the weighted one, a version that does not exist, and versions with different roles', async () => {
    const same = await rejectionOf(() => t.lambda.send(weights({ '1': 0.5 })));
    expect(same).toBeInstanceOf(InvalidParameterValueException);
    expect(same.message).toContain('Function version 1 is already included in routing configuration');
    const missing = await rejectionOf(() => t.lambda.send(weights({ '99': 0.5 })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing.$metadata.httpStatusCode).toBe(404);
    const otherRole = await rejectionOf(() => t.lambda.send(weights({ '4': 0.5 })));
    expect(otherRole).toBeInstanceOf(InvalidParameterValueException);
    expect(otherRole.message).toContain('same execution role');
  });

  it('applies the same rules at CreateAlias, where a published primary version must exist', async () => {
    const missingVersion = await rejectionOf(() => t.lambda.send(new CreateAliasCommand({ FunctionName: FN, Name: 'beta', FunctionVersion: '42' })));
    expect(missingVersion).toBeInstanceOf(ResourceNotFoundException);
    const twoExtra = await rejectionOf(() =>
      t.lambda.send(new CreateAliasCommand({ FunctionName: FN, Name: 'beta', FunctionVersion: '1', RoutingConfig: { AdditionalVersionWeights: { '2': 0.1, '3': 0.1 } } })),
    );
    expect(twoExtra).toBeInstanceOf(InvalidParameterValueException);
    const duplicate = await rejectionOf(() => t.lambda.send(new CreateAliasCommand({ FunctionName: FN, Name: 'live', FunctionVersion: '2' })));
    expect(duplicate).toBeInstanceOf(ResourceConflictException);
    expect(duplicate.$metadata.httpStatusCode).toBe(409);
    const numericName = await rejectionOf(() => t.lambda.send(new CreateAliasCommand({ FunctionName: FN, Name: '123', FunctionVersion: '1' })));
    expect(numericName.name).toBe('ValidationException');
  });

  it('keeps the routing of an UpdateAlias that leaves RoutingConfig out, and clears it with an empty map', async () => {
    await t.lambda.send(weights({ '2': 0.25 }));
    const kept = await t.lambda.send(new UpdateAliasCommand({ FunctionName: FN, Name: 'live', Description: 'canary' }));
    expect(kept.RoutingConfig?.AdditionalVersionWeights).toEqual({ '2': 0.25 });
    const cleared = await t.lambda.send(new UpdateAliasCommand({ FunctionName: FN, Name: 'live', RoutingConfig: { AdditionalVersionWeights: {} } }));
    expect(cleared.RoutingConfig).toBeUndefined();
  });
});

describe('function rules', () => {
  it('answers ResourceNotFoundException (404) for unknown functions, versions and aliases', async () => {
    for (const call of [
      () => t.lambda.send(new GetFunctionCommand({ FunctionName: 'no-such-fn' })),
      () => t.lambda.send(new InvokeCommand({ FunctionName: 'no-such-fn' })),
      () => t.lambda.send(new InvokeCommand({ FunctionName: FN, Qualifier: '77' })),
      () => t.lambda.send(new InvokeCommand({ FunctionName: FN, Qualifier: 'nope' })),
      () => t.lambda.send(new GetAliasCommand({ FunctionName: FN, Name: 'nope' })),
      () => t.lambda.send(new PublishVersionCommand({ FunctionName: 'no-such-fn' })),
    ]) {
      const error = await rejectionOf(call);
      expect(error).toBeInstanceOf(ResourceNotFoundException);
      expect(error.$metadata.httpStatusCode).toBe(404);
    }
  });

  it('refuses a duplicate function (ResourceConflictException) and bad packages or settings (InvalidParameterValueException)', async () => {
    expect(await rejectionOf(() => createFunction(t.lambda, FN, taggedHandler('again')))).toBeInstanceOf(ResourceConflictException);
    const notZip = await rejectionOf(() => createFunction(t.lambda, 'not-a-zip', new TextEncoder().encode('plain text')));
    expect(notZip).toBeInstanceOf(InvalidParameterValueException);
    expect(notZip.message).toContain('Could not unzip uploaded file');
    const noRuntime = await rejectionOf(() => createFunction(t.lambda, 'no-runtime', taggedHandler('x'), { Runtime: undefined }));
    expect(noRuntime).toBeInstanceOf(InvalidParameterValueException);
    const reserved = await rejectionOf(() => createFunction(t.lambda, 'reserved-env', taggedHandler('x'), { Environment: { Variables: { AWS_REGION: 'eu-west-1' } } }));
    expect(reserved).toBeInstanceOf(InvalidParameterValueException);
    expect(reserved.message).toContain('Reserved keys used in this request: AWS_REGION');
  });

  it('validates names, roles and sizes against the model (ValidationException)', async () => {
    for (const extra of [{ FunctionName: 'bad name!' }, { Role: 'not-a-role' }, { MemorySize: 64 }, { Timeout: 0 }]) {
      const error = await rejectionOf(() => createFunction(t.lambda, 'validated', taggedHandler('x'), extra));
      expect(error.name).toBe('ValidationException');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toMatch(/^1 validation error detected: Value .* failed to satisfy constraint: Member must/);
    }
  });

  it('checks RevisionId and CodeSha256 preconditions on $LATEST', async () => {
    const stale = await rejectionOf(() => t.lambda.send(new PublishVersionCommand({ FunctionName: FN, RevisionId: 'stale' })));
    expect(stale).toBeInstanceOf(PreconditionFailedException);
    const staleCode = await rejectionOf(() => t.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: FN, ZipFile: taggedHandler('x'), RevisionId: 'stale' })));
    expect(staleCode).toBeInstanceOf(PreconditionFailedException);
    const wrongSha = await rejectionOf(() => t.lambda.send(new PublishVersionCommand({ FunctionName: FN, CodeSha256: 'AAAA' })));
    expect(wrongSha).toBeInstanceOf(InvalidParameterValueException);
  });

  it('refuses to delete a version an alias routes to, and a qualifier that contradicts the name', async () => {
    const inUse = await rejectionOf(() => t.lambda.send(new DeleteFunctionCommand({ FunctionName: FN, Qualifier: '1' })));
    expect(inUse).toBeInstanceOf(ResourceConflictException);
    const contradiction = await rejectionOf(() => t.lambda.send(new GetFunctionCommand({ FunctionName: `${FN}:1`, Qualifier: '2' })));
    expect(contradiction).toBeInstanceOf(InvalidParameterValueException);
  });

  it('refuses an Invoke payload that is not JSON (InvalidRequestContentException)', async () => {
    const error = await rejectionOf(() => t.lambda.send(new InvokeCommand({ FunctionName: FN, Payload: new TextEncoder().encode('{not json') })));
    expect(error).toBeInstanceOf(InvalidRequestContentException);
  });

  it('pages ListAliases with Marker and validates MaxItems', async () => {
    for (const name of ['a1', 'a2', 'a3']) await t.lambda.send(new CreateAliasCommand({ FunctionName: FN, Name: name, FunctionVersion: '2' }));
    const first = await t.lambda.send(new ListAliasesCommand({ FunctionName: FN, MaxItems: 2 }));
    const second = await t.lambda.send(new ListAliasesCommand({ FunctionName: FN, MaxItems: 2, Marker: first.NextMarker }));
    expect([...first.Aliases!, ...second.Aliases!].map((a) => a.Name)).toEqual(['a1', 'a2', 'a3', 'live']);
    expect(second.NextMarker).toBeUndefined();
    const filtered = await t.lambda.send(new ListAliasesCommand({ FunctionName: FN, FunctionVersion: '2' }));
    expect(filtered.Aliases!.map((a) => a.Name)).toEqual(['a1', 'a2', 'a3']);
    expect((await rejectionOf(() => t.lambda.send(new ListAliasesCommand({ FunctionName: FN, MaxItems: 0 })))).name).toBe('ValidationException');
  });
});

describe('throttling by fault injection', () => {
  it('throttles the next calls with TooManyRequestsException (429) when retries are exhausted', async () => {
    const noRetry = new LambdaClient({ endpoint: t.endpoint.url, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    t.endpoint.faults.add({ service: 'lambda', operation: 'UpdateAlias', count: 1 });
    const error = await rejectionOf(() => noRetry.send(new UpdateAliasCommand({ FunctionName: FN, Name: 'live', Description: 'x' })));
    expect(error).toBeInstanceOf(TooManyRequestsException);
    expect(error.$metadata.httpStatusCode).toBe(429);
    expect(error.Reason).toBe('CallerRateLimitExceeded');
    // The fault is spent: the next call goes through.
    expect((await noRetry.send(new UpdateAliasCommand({ FunctionName: FN, Name: 'live', Description: 'y' }))).Description).toBe('y');
    noRetry.destroy();
  });

  it("lets the SDK's own retry succeed when only one call throttles", async () => {
    t.endpoint.faults.add({ service: 'lambda', operation: 'GetAlias', count: 1 });
    const alias = await t.lambda.send(new GetAliasCommand({ FunctionName: FN, Name: 'live' }));
    expect(alias.Name).toBe('live');
    expect(alias.$metadata.attempts).toBe(2);
  });

  it('arms faults over HTTP too, scoped to one function', async () => {
    const armed = await fetch(`${t.endpoint.url}/__glidepath/faults`, {
      method: 'POST',
      body: JSON.stringify({ service: 'lambda', operation: 'Invoke', count: 3, pathIncludes: `/functions/${FN}/` }),
    });
    expect(armed.status).toBe(201);
    const noRetry = new LambdaClient({ endpoint: t.endpoint.url, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    await createFunction(t.lambda, 'unthrottled', zipOf({ 'index.mjs': 'export const handler = async () => "ok";' }), { Role: ROLE });
    expect((await noRetry.send(new InvokeCommand({ FunctionName: 'unthrottled' }))).StatusCode).toBe(200);
    for (let i = 0; i < 3; i++) {
      expect(await rejectionOf(() => noRetry.send(new InvokeCommand({ FunctionName: FN, Qualifier: 'live' })))).toBeInstanceOf(TooManyRequestsException);
    }
    expect((await noRetry.send(new InvokeCommand({ FunctionName: FN, Qualifier: 'live' }))).StatusCode).toBe(200);
    expect(t.endpoint.faults.list()).toEqual([]);
    noRetry.destroy();
  });
});
