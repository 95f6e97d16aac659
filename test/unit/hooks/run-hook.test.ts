import { describe, expect, it } from 'vitest';
import { runHook, TTL_MARGIN_SECONDS, type RunHookPorts } from '../../../shared/tasks/run-hook.ts';
import { MemoryHookStore } from '../../support/memory-hook-store.ts';
import { isExecutionId, newExecutionId } from '../../../shared/core/hooks/execution-id.ts';
import { buildHookPayload } from '../../../shared/core/hooks/payload.ts';
import { fromInvokeError, fromInvokeResponse } from '../../../shared/core/hooks/invoke-result.ts';
import type { HookInvocation } from '../../../shared/core/hooks/types.ts';
import type { DeploymentRecord } from '../../../shared/core/model/record.ts';
import type { HookPayload, RunHookInput } from '../../../shared/core/model/machine.ts';
import { NOW_MS, NOW_S } from './fixtures.ts';

const record = {
  id: 'gp-1',
  functionName: 'orders-api',
  alias: 'live',
  currentVersion: '7',
  targetVersion: '8',
  weight: 25,
  request: { hookTimeoutSeconds: 900 },
} as unknown as DeploymentRecord;

function input(overrides: Partial<RunHookInput> = {}): RunHookInput {
  return {
    taskToken: 'secret-token',
    deploymentId: 'gp-1',
    lifecycleEvent: 'BeforeAllowTraffic',
    hook: 'orders-smoke',
    cursor: { index: -1 },
    timeoutSeconds: 120,
    ...overrides,
  };
}

function arrange(result: HookInvocation | ((payload: HookPayload) => Promise<HookInvocation>)) {
  const store = new MemoryHookStore();
  const invocations: { fn: string; payload: HookPayload }[] = [];
  const deps: RunHookPorts = {
    store,
    getDeployment: async (id) => (id === 'gp-1' ? record : undefined),
    invoke: async (fn, payload) => {
      invocations.push({ fn, payload: payload as HookPayload });
      return typeof result === 'function' ? result(payload as HookPayload) : result;
    },
    clock: { now: () => NOW_MS },
    newId: () => 'CCCCCCCCCCCCCCCCCCCCCC',
  };
  return { store, deps, invocations };
}

describe('Function: newExecutionId', () => {
  it('is 128 random bits in base64url, different each time', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newExecutionId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isExecutionId(id)).toBe(true);
    expect(Buffer.from([...ids][0]!, 'base64url')).toHaveLength(16);
  });
});

describe('Function: buildHookPayload', () => {
  it('gives CodeDeploy fields and the Glidepath object; step only on step hooks', () => {
    expect(buildHookPayload(input(), record, 'ID')).toEqual({
      DeploymentId: 'gp-1',
      LifecycleEventHookExecutionId: 'ID',
      Glidepath: { function: 'orders-api', alias: 'live', currentVersion: '7', targetVersion: '8', lifecycleEvent: 'BeforeAllowTraffic', weight: 0 },
    });
    expect(buildHookPayload(input({ lifecycleEvent: 'AfterAllowTraffic' }), record, 'ID').Glidepath.weight).toBe(100);
    const step = buildHookPayload(input({ lifecycleEvent: 'Step', cursor: { index: 3, step: { hook: 'x' } } }), record, 'ID');
    expect(step.Glidepath).toMatchObject({ step: 3, weight: 25, lifecycleEvent: 'Step' });
  });
});

describe('Function: runHook', () => {
  it('stores a Pending execution with the token and TTL, invokes the hook without the token', async () => {
    const { store, deps, invocations } = arrange({ ok: true, statusCode: 200 });
    const result = await runHook(input(), deps);
    expect(result).toEqual({ lifecycleEventHookExecutionId: 'CCCCCCCCCCCCCCCCCCCCCC', lifecycleEvent: 'BeforeAllowTraffic', hook: 'orders-smoke', state: 'invoked' });
    const stored = await store.get('CCCCCCCCCCCCCCCCCCCCCC');
    expect(stored).toMatchObject({
      pk: 'HOOK#CCCCCCCCCCCCCCCCCCCCCC',
      sk: 'HOOK',
      taskToken: 'secret-token',
      deploymentId: 'gp-1',
      status: 'Pending',
      expiresAt: NOW_S + 120,
      ttl: NOW_S + 120 + TTL_MARGIN_SECONDS,
    });
    expect(invocations).toHaveLength(1);
    expect(invocations[0]!.fn).toBe('orders-smoke');
    expect(JSON.stringify(invocations[0]!.payload)).not.toContain('secret-token');
    expect(invocations[0]!.payload.LifecycleEventHookExecutionId).toBe('CCCCCCCCCCCCCCCCCCCCCC');
  });

  it('takes the timeout from the request when the input has none', async () => {
    const { store, deps } = arrange({ ok: true, statusCode: 200 });
    const { timeoutSeconds: _omit, ...rest } = input();
    await runHook(rest as RunHookInput, deps);
    expect((await store.get('CCCCCCCCCCCCCCCCCCCCCC'))?.expiresAt).toBe(NOW_S + 900);
  });

  it('a function error fails at once with HOOK_EXECUTION_FAILURE and the reason; the execution is Failed', async () => {
    const { store, deps } = arrange({ ok: false, kind: 'function', errorType: 'Error', message: 'smoke test exploded' });
    const error = await runHook(input(), deps).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'HOOK_EXECUTION_FAILURE', code: 'HOOK_EXECUTION_FAILURE' });
    expect((error as Error).message).toBe('BeforeAllowTraffic hook orders-smoke failed: Error: smoke test exploded');
    expect(await store.get('CCCCCCCCCCCCCCCCCCCCCC')).toMatchObject({ status: 'Failed', reason: (error as Error).message });
  });

  it('a function that is not there fails at once, naming Lambda’s error', async () => {
    const { deps } = arrange({ ok: false, kind: 'invoke', errorType: 'ResourceNotFoundException', message: 'Function not found: orders-smoke' });
    await expect(runHook(input(), deps)).rejects.toThrow(
      'BeforeAllowTraffic hook orders-smoke could not be invoked: ResourceNotFoundException: Function not found: orders-smoke',
    );
  });

  it('throttling → THROTTLED, a Lambda 5xx → INTERNAL_ERROR (both retried by the state machine)', async () => {
    const throttled = arrange({ ok: false, kind: 'retryable', errorType: 'TooManyRequestsException', message: 'Rate exceeded' });
    await expect(runHook(input(), throttled.deps)).rejects.toMatchObject({ code: 'THROTTLED' });
    const broken = arrange({ ok: false, kind: 'retryable', errorType: 'ServiceException', message: 'oops' });
    await expect(runHook(input(), broken.deps)).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
  });

  it('a hook that reported before it threw: its report stands and run-hook returns', async () => {
    const { store, deps } = arrange(async (payload) => {
      await store.complete(payload.LifecycleEventHookExecutionId, 'Succeeded', { iso: 'now', seconds: NOW_S });
      return { ok: false, kind: 'function', errorType: 'Error', message: 'after the report' };
    });
    await expect(runHook(input(), deps)).resolves.toMatchObject({ state: 'Succeeded' });
    expect((await store.get('CCCCCCCCCCCCCCCCCCCCCC'))?.status).toBe('Succeeded');
  });

  it('an unknown deployment → DEPLOYMENT_NOT_FOUND, nothing invoked', async () => {
    const { deps, invocations } = arrange({ ok: true, statusCode: 200 });
    await expect(runHook(input({ deploymentId: 'gp-9' }), deps)).rejects.toMatchObject({ code: 'DEPLOYMENT_NOT_FOUND' });
    expect(invocations).toEqual([]);
  });
});

describe('Function: fromInvokeResponse / fromInvokeError', () => {
  const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  it('reads errorType and errorMessage of a function error', () => {
    expect(fromInvokeResponse({ StatusCode: 200, FunctionError: 'Unhandled', Payload: bytes({ errorType: 'TypeError', errorMessage: 'x is undefined' }) })).toEqual({
      ok: false,
      kind: 'function',
      errorType: 'TypeError',
      message: 'x is undefined',
    });
    expect(fromInvokeResponse({ FunctionError: 'Unhandled', Payload: new TextEncoder().encode('plain text') })).toMatchObject({ errorType: 'Unhandled', message: 'plain text' });
    expect(fromInvokeResponse({ StatusCode: 200, ExecutedVersion: '$LATEST', Payload: bytes(null) })).toEqual({ ok: true, statusCode: 200, executedVersion: '$LATEST' });
  });
  it('classifies SDK errors', () => {
    const sdk = (name: string, status: number) => Object.assign(new Error(`${name}!`), { name, $metadata: { httpStatusCode: status } });
    expect(fromInvokeError(sdk('ResourceNotFoundException', 404))).toMatchObject({ kind: 'invoke' });
    expect(fromInvokeError(sdk('AccessDeniedException', 403))).toMatchObject({ kind: 'invoke' });
    expect(fromInvokeError(sdk('EC2ThrottledException', 502))).toMatchObject({ kind: 'invoke' });
    expect(fromInvokeError(sdk('TooManyRequestsException', 429))).toMatchObject({ kind: 'retryable' });
    expect(fromInvokeError(sdk('ServiceException', 500))).toMatchObject({ kind: 'retryable' });
    expect(fromInvokeError(new Error('ECONNRESET'))).toMatchObject({ kind: 'retryable' });
  });
});
