/**
 * Driving deployments as the CLI does: StartExecution on the engine's state machine with the
 * deployment id as the execution name and the request as input; DescribeExecution polled until
 * the execution ends; operator actions through the CLI's `sendControl` (an Invoke of the control function); the
 * record read from the table with its history (support/record.ts). Every wait polls state, none sleeps a
 * guessed time.
 */
import { DescribeExecutionCommand, GetExecutionHistoryCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { newDeploymentId } from '../../../cli/deployment-id.ts';
import { sendControl } from '../../../cli/control-client.ts';
import type { ControlResult } from '../../../shared/tasks/control.ts';
import type { ControlAction } from '../../../shared/core/model/record.ts';
import { recordWithHistory, type RecordWithHistory } from './record.ts';
import { readAlias, type AliasView, type App } from './app.ts';
import type { E2E } from './engine.ts';

export interface Started {
  deploymentId: string;
  executionArn: string;
  /** performance.now() at the start. */
  startedMs: number;
}

export interface Outcome extends Started {
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED. */
  status: string;
  error?: string;
  cause?: string;
  record: RecordWithHistory | undefined;
  alias: AliasView;
  /** Real milliseconds from StartExecution to the end seen by polling. */
  ms: number;
}

const POLL_MS = 10;
const DEFAULT_LIMIT_MS = 15_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The request as the CLI would send it: the app's function and alias, version 1 → 2 unless said. */
export function requestFor(app: App, extra: Record<string, unknown>): Record<string, unknown> {
  return { functionName: app.functionName, alias: app.alias, targetVersion: app.versions[1], ...extra };
}

export async function startDeployment(ctx: E2E, request: Record<string, unknown>, id = newDeploymentId()): Promise<Started> {
  const startedMs = performance.now();
  const out = await ctx.sfn.send(new StartExecutionCommand({ stateMachineArn: ctx.engine.stateMachineArn, name: id, input: JSON.stringify(request) }));
  return { deploymentId: id, executionArn: out.executionArn!, startedMs };
}

/** Polls DescribeExecution until the execution is no longer RUNNING. */
export async function waitForEnd(ctx: E2E, started: Started, app: Pick<App, 'functionName' | 'alias'>, limitMs = DEFAULT_LIMIT_MS): Promise<Outcome> {
  for (;;) {
    const d = await ctx.sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    if (d.status !== 'RUNNING') {
      const ms = performance.now() - started.startedMs;
      return {
        ...started,
        status: d.status ?? 'UNKNOWN',
        ...(d.error ? { error: d.error } : {}),
        ...(d.cause ? { cause: d.cause } : {}),
        record: await recordWithHistory(ctx.store, started.deploymentId),
        alias: await readAlias(ctx.lambda, app),
        ms,
      };
    }
    if (performance.now() - started.startedMs > limitMs) {
      throw new Error(`deployment ${started.deploymentId} still RUNNING after ${limitMs} ms: ${await historyTail(ctx, started.executionArn)}`);
    }
    await pause(POLL_MS);
  }
}

/** Start, then wait for the end. */
export async function deploy(ctx: E2E, app: App, extra: Record<string, unknown>, limitMs?: number): Promise<Outcome> {
  const started = await startDeployment(ctx, requestFor(app, extra));
  return waitForEnd(ctx, started, app, limitMs);
}

/** The last history events, for failure messages. */
export async function historyTail(ctx: E2E, executionArn: string, count = 6): Promise<string> {
  const h = await ctx.sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: count }));
  return JSON.stringify(h.events?.map((e) => ({ type: e.type, ...(e.stateEnteredEventDetails ? { state: e.stateEnteredEventDetails.name } : {}) })));
}

export async function readRecord(ctx: E2E, deploymentId: string): Promise<RecordWithHistory | undefined> {
  return recordWithHistory(ctx.store, deploymentId);
}

/**
 * Polls the record until `predicate` holds (the deployment reached a state the test acts on).
 * Fails when the execution ends first, or after `limitMs`.
 */
export async function waitForRecord(
  ctx: E2E,
  started: Started,
  what: string,
  predicate: (record: RecordWithHistory) => boolean,
  limitMs = DEFAULT_LIMIT_MS,
): Promise<RecordWithHistory> {
  const t0 = performance.now();
  for (;;) {
    const record = await recordWithHistory(ctx.store, started.deploymentId);
    if (record && predicate(record)) return record;
    const d = await ctx.sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    if (d.status !== 'RUNNING') {
      throw new Error(`deployment ${started.deploymentId} ended (${d.status} ${d.error ?? ''}: ${d.cause ?? ''}) before ${what}; record: ${JSON.stringify(record?.events?.map((e) => e.message))}`);
    }
    if (performance.now() - t0 > limitMs) throw new Error(`deployment ${started.deploymentId}: not ${what} after ${limitMs} ms`);
    await pause(POLL_MS);
  }
}

/** The record shows `weight`% on the target and the step after that shift in progress. */
export function atWeight(weight: number): (record: RecordWithHistory) => boolean {
  return (r) => r.weight === weight && r.status === 'InProgress';
}

/** An operator action exactly as `glidepath <action> <id>` sends it. */
export function control(ctx: E2E, deploymentId: string, action: ControlAction): Promise<ControlResult> {
  return sendControl(ctx.target, deploymentId, action);
}
