import { describe, expect, it } from 'vitest';
import { handleHookStatusRequest, HOOK_FAILED_CAUSE, type StatusOutcome } from '../../../shared/tasks/hook-status.ts';
import { MAX_BODY_BYTES, TARGET } from '../../../shared/core/hooks/status-protocol.ts';
import { MemoryHookStore } from '../../support/memory-hook-store.ts';
import { EXEC_ID, NOW_MS, pendingExecution, recordingTasks, report, statusRequest } from './fixtures.ts';

async function arrange(execution = pendingExecution(), answer: Parameters<typeof recordingTasks>[0] = 'ok') {
  const store = new MemoryHookStore();
  await store.create(execution);
  const tasks = recordingTasks(answer);
  const outcomes: StatusOutcome[] = [];
  const deps = { store, tasks, clock: { now: () => NOW_MS }, onOutcome: (o: StatusOutcome) => outcomes.push(o) };
  return { store, tasks, deps, outcomes };
}

function errorOf(response: { statusCode: number; headers: Record<string, string>; body: string }) {
  const body = JSON.parse(response.body) as { __type: string; message: string };
  expect(response.headers['x-amzn-errortype']).toBe(body.__type);
  return { status: response.statusCode, type: body.__type, message: body.message };
}

describe('Function: handleHookStatusRequest', () => {
  describe('a valid report', () => {
    it('Succeeded: marks the execution and sends the task success with the stored token', async () => {
      const { store, tasks, deps, outcomes } = await arrange();
      const response = await handleHookStatusRequest(statusRequest(report('Succeeded')), deps);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(response.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.parse(response.body)).toEqual({ lifecycleEventHookExecutionId: EXEC_ID });
      expect(tasks.calls).toEqual([
        {
          kind: 'succeed',
          token: 'token-1',
          output: { status: 'Succeeded', lifecycleEvent: 'BeforeAllowTraffic', hook: 'orders-smoke', lifecycleEventHookExecutionId: EXEC_ID },
        },
      ]);
      const stored = await store.get(EXEC_ID);
      expect(stored?.status).toBe('Succeeded');
      expect(stored?.completedAt).toBe(new Date(NOW_MS).toISOString());
      expect(outcomes[0]).toMatchObject({ result: 'accepted', status: 'Succeeded', hook: 'orders-smoke' });
    });

    it('Failed: sends a task failure HOOK_EXECUTION_FAILURE, "hook reported Failed"', async () => {
      const { store, tasks, deps } = await arrange();
      const response = await handleHookStatusRequest(statusRequest(report('Failed')), deps);
      expect(response.statusCode).toBe(200);
      expect(tasks.calls).toHaveLength(1);
      expect(tasks.calls[0]).toMatchObject({ kind: 'fail', token: 'token-1', error: 'HOOK_EXECUTION_FAILURE' });
      expect(tasks.calls[0]!.cause).toBe(`${HOOK_FAILED_CAUSE}: BeforeAllowTraffic hook orders-smoke`);
      expect((await store.get(EXEC_ID))?.status).toBe('Failed');
    });

    it('reads a body given as bytes', async () => {
      const { deps } = await arrange();
      const request = { ...statusRequest(report('Succeeded')), body: new TextEncoder().encode(JSON.stringify(report('Succeeded'))) };
      expect((await handleHookStatusRequest(request, deps)).statusCode).toBe(200);
    });
  });

  describe('reports that are refused and change nothing', () => {
    const cases: [string, Parameters<typeof statusRequest>[0], Record<string, string>, number, string][] = [
      ['a second report', report('Succeeded'), {}, 400, 'LifecycleEventAlreadyCompletedException'],
      ['status Pending', report('Pending'), {}, 400, 'InvalidLifecycleEventHookExecutionStatusException'],
      ['status InProgress', report('InProgress'), {}, 400, 'InvalidLifecycleEventHookExecutionStatusException'],
      ['status Skipped', report('Skipped'), {}, 400, 'InvalidLifecycleEventHookExecutionStatusException'],
      ['status Unknown', report('Unknown'), {}, 400, 'InvalidLifecycleEventHookExecutionStatusException'],
      ['status succeeded (case)', report('succeeded'), {}, 400, 'InvalidLifecycleEventHookExecutionStatusException'],
      ['no status', report('x', { status: undefined }), {}, 400, 'InvalidLifecycleEventHookExecutionStatusException'],
      ['an unknown id', report('Succeeded', { lifecycleEventHookExecutionId: 'BBBBBBBBBBBBBBBBBBBBBB' }), {}, 400, 'InvalidLifecycleEventHookExecutionIdException'],
      ['an id of another form', report('Succeeded', { lifecycleEventHookExecutionId: 'x'.repeat(300) }), {}, 400, 'InvalidLifecycleEventHookExecutionIdException'],
      ['no id', report('Succeeded', { lifecycleEventHookExecutionId: undefined }), {}, 400, 'InvalidLifecycleEventHookExecutionIdException'],
      ['another deployment id', report('Succeeded', { deploymentId: 'gp-2' }), {}, 400, 'InvalidLifecycleEventHookExecutionIdException'],
      ['no deployment id', report('Succeeded', { deploymentId: undefined }), {}, 400, 'DeploymentIdRequiredException'],
      ['a number for a string', report('Succeeded', { deploymentId: 7 }), {}, 400, 'SerializationException'],
      ['malformed JSON', '{"deploymentId": ', {}, 400, 'SerializationException'],
      ['a JSON array', '[1,2]', {}, 400, 'SerializationException'],
      ['a wrong target', report('Succeeded'), { 'x-amz-target': 'CodeDeploy_20141006.GetDeployment' }, 400, 'UnknownOperationException'],
      ['a form content type', report('Succeeded'), { 'content-type': 'application/x-www-form-urlencoded' }, 400, 'SerializationException'],
      ['an oversized body', { ...report('Succeeded'), pad: 'x'.repeat(MAX_BODY_BYTES) }, {}, 400, 'RequestEntityTooLargeException'],
    ];

    it.each(cases)('%s → %i %s', async (_name, body, headers, status, type) => {
      const { store, tasks, deps } = await arrange();
      if (type === 'LifecycleEventAlreadyCompletedException') {
        expect((await handleHookStatusRequest(statusRequest(body), deps)).statusCode).toBe(200);
        tasks.calls.length = 0;
      }
      const before = await store.get(EXEC_ID);
      const response = await handleHookStatusRequest(statusRequest(body, headers), deps);
      expect(errorOf(response)).toMatchObject({ status, type });
      expect(tasks.calls).toEqual([]);
      expect(await store.get(EXEC_ID)).toEqual(before);
    });

    it('a GET → 405 with Allow: POST', async () => {
      const { tasks, deps } = await arrange();
      const response = await handleHookStatusRequest({ ...statusRequest(report('Succeeded')), method: 'GET' }, deps);
      expect(errorOf(response)).toMatchObject({ status: 405, type: 'MethodNotAllowedException' });
      expect(response.headers['allow']).toBe('POST');
      expect(tasks.calls).toEqual([]);
    });

    it('the messages name the field and what was wrong', async () => {
      const { deps } = await arrange();
      const bad = await handleHookStatusRequest(statusRequest(report('Skipped')), deps);
      expect(errorOf(bad).message).toBe('status: must be Succeeded or Failed, got "Skipped"');
      const wrongTarget = await handleHookStatusRequest(statusRequest(report('Succeeded'), { 'x-amz-target': 'X.Y' }), deps);
      expect(errorOf(wrongTarget).message).toContain(TARGET);
    });

    it('an id past its hook timeout is expired', async () => {
      const { tasks, deps } = await arrange(pendingExecution({ expiresAt: Math.floor(NOW_MS / 1000) }));
      const response = await handleHookStatusRequest(statusRequest(report('Succeeded')), deps);
      expect(errorOf(response)).toMatchObject({ type: 'InvalidLifecycleEventHookExecutionIdException' });
      expect(errorOf(response).message).toContain('expired');
      expect(tasks.calls).toEqual([]);
    });

    it('an execution run-hook already failed answers LifecycleEventAlreadyCompletedException', async () => {
      const { tasks, deps } = await arrange(pendingExecution({ status: 'Failed', reason: 'invoke failed' }));
      const response = await handleHookStatusRequest(statusRequest(report('Succeeded')), deps);
      expect(errorOf(response)).toMatchObject({ type: 'LifecycleEventAlreadyCompletedException' });
      expect(errorOf(response).message).toContain('already completed with status Failed');
      expect(tasks.calls).toEqual([]);
    });
  });

  describe('delivery to Step Functions', () => {
    it('a token that no longer waits: InvalidLifecycleEventHookExecutionIdException, and every later report too', async () => {
      const { store, tasks, deps } = await arrange(pendingExecution(), 'gone');
      const first = await handleHookStatusRequest(statusRequest(report('Succeeded')), deps);
      expect(errorOf(first)).toMatchObject({ type: 'InvalidLifecycleEventHookExecutionIdException' });
      expect((await store.get(EXEC_ID))?.tokenExpired).toBe(true);
      const second = await handleHookStatusRequest(statusRequest(report('Failed')), deps);
      expect(errorOf(second)).toMatchObject({ type: 'InvalidLifecycleEventHookExecutionIdException' });
      expect(tasks.calls).toHaveLength(1);
    });

    it('a transient failure answers 500 and reopens the execution so a retry can deliver', async () => {
      const { store, deps, outcomes } = await arrange(pendingExecution(), new Error('socket hang up'));
      const first = await handleHookStatusRequest(statusRequest(report('Succeeded')), deps);
      expect(errorOf(first)).toMatchObject({ status: 500, type: 'InternalFailure' });
      expect(outcomes[0]).toMatchObject({ result: 'error', message: 'socket hang up' });
      expect((await store.get(EXEC_ID))?.status).toBe('Pending');
      const retry = await handleHookStatusRequest(statusRequest(report('Succeeded')), { ...deps, tasks: recordingTasks('ok') });
      expect(retry.statusCode).toBe(200);
    });
  });

  describe('two reports at once', () => {
    it('exactly one wins; the other gets LifecycleEventAlreadyCompletedException', async () => {
      const { tasks, deps } = await arrange();
      const responses = await Promise.all([
        handleHookStatusRequest(statusRequest(report('Succeeded')), deps),
        handleHookStatusRequest(statusRequest(report('Failed')), deps),
        handleHookStatusRequest(statusRequest(report('Succeeded')), deps),
      ]);
      expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(1);
      const losers = responses.filter((r) => r.statusCode !== 200).map((r) => errorOf(r).type);
      expect(losers).toEqual(['LifecycleEventAlreadyCompletedException', 'LifecycleEventAlreadyCompletedException']);
      expect(tasks.calls).toHaveLength(1);
    });
  });
});
