/**
 * The status endpoint's core behind a loopback HTTP server, called by the real SDK v3
 * CodeDeployClient: proves the wire protocol (target, content type, error shapes) is what the
 * SDK speaks, so an unchanged CodeDeploy hook can report to Glidepath.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CodeDeployClient,
  DeploymentIdRequiredException,
  InvalidLifecycleEventHookExecutionIdException,
  InvalidLifecycleEventHookExecutionStatusException,
  LifecycleEventAlreadyCompletedException,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { handleHookStatusRequest } from '../../shared/tasks/hook-status.ts';
import { MemoryHookStore } from '../support/memory-hook-store.ts';
import { newExecutionId } from '../../shared/core/hooks/execution-id.ts';
import { keys } from '../../shared/core/model/record.ts';
import type { TaskCallbacks } from '../../shared/core/hooks/types.ts';

const store = new MemoryHookStore();
const delivered: { token: string; kind: string }[] = [];
const tasks: TaskCallbacks = {
  succeed: async (token) => (delivered.push({ token, kind: 'succeed' }), 'ok'),
  fail: async (token) => (delivered.push({ token, kind: 'fail' }), 'ok'),
};
let server: Server;
let client: CodeDeployClient;

async function pending(deploymentId = 'gp-wire'): Promise<string> {
  const executionId = newExecutionId();
  const nowS = Math.floor(Date.now() / 1000);
  await store.create({
    ...keys.hook(executionId),
    executionId,
    deploymentId,
    lifecycleEvent: 'AfterAllowTraffic',
    hook: 'my-hook',
    taskToken: `token-${executionId}`,
    status: 'Pending',
    createdAt: new Date().toISOString(),
    expiresAt: nowS + 600,
    ttl: nowS + 4200,
  });
  return executionId;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const response = await handleHookStatusRequest(
        { method: req.method ?? 'GET', headers: req.headers, body: Buffer.concat(chunks) },
        { store, tasks, clock: { now: () => Date.now() } },
      );
      res.writeHead(response.statusCode, response.headers).end(response.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new CodeDeployClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const put = (input: { deploymentId?: string; lifecycleEventHookExecutionId?: string; status?: string }) =>
  client.send(new PutLifecycleEventHookExecutionStatusCommand(input as never));

describe('CodeDeployClient → status endpoint', () => {
  it('Succeeded answers the execution id and delivers once', async () => {
    const id = await pending();
    const out = await put({ deploymentId: 'gp-wire', lifecycleEventHookExecutionId: id, status: 'Succeeded' });
    expect(out.lifecycleEventHookExecutionId).toBe(id);
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(delivered.filter((d) => d.token === `token-${id}`)).toEqual([{ token: `token-${id}`, kind: 'succeed' }]);
  });

  it('a second report throws LifecycleEventAlreadyCompletedException', async () => {
    const id = await pending();
    await put({ deploymentId: 'gp-wire', lifecycleEventHookExecutionId: id, status: 'Failed' });
    const error = await put({ deploymentId: 'gp-wire', lifecycleEventHookExecutionId: id, status: 'Succeeded' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LifecycleEventAlreadyCompletedException);
    expect((error as Error).message).toContain('already completed with status Failed');
  });

  it('a bad status throws InvalidLifecycleEventHookExecutionStatusException', async () => {
    const id = await pending();
    const error = await put({ deploymentId: 'gp-wire', lifecycleEventHookExecutionId: id, status: 'InProgress' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidLifecycleEventHookExecutionStatusException);
    expect((await store.get(id))?.status).toBe('Pending');
  });

  it('an unknown id, or the id of another deployment, throws InvalidLifecycleEventHookExecutionIdException', async () => {
    const id = await pending();
    const unknown = await put({ deploymentId: 'gp-wire', lifecycleEventHookExecutionId: newExecutionId(), status: 'Succeeded' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(InvalidLifecycleEventHookExecutionIdException);
    const other = await put({ deploymentId: 'gp-other', lifecycleEventHookExecutionId: id, status: 'Succeeded' }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(InvalidLifecycleEventHookExecutionIdException);
    expect((await store.get(id))?.status).toBe('Pending');
  });

  it('no deployment id throws DeploymentIdRequiredException', async () => {
    const error = await put({ lifecycleEventHookExecutionId: 'x', status: 'Succeeded' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentIdRequiredException);
  });
});
