/**
 * A bounded record: a plan of hundreds of shifts with the most alarms a request may name, at their
 * longest names, walked on the local engine. The record item (read raw, GetItem through the
 * DynamoDB client) is as large after the last shift as after the first, however much history the
 * deployment has made: events and weight points are items of their own. `glidepath status` still
 * reads the whole timeline, in order.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../../cli/snapshot.ts';
import { keys } from '../../shared/core/model/record.ts';
import { MAX_ALARM_NAME, MAX_ALARMS } from '../../shared/core/model/request.ts';
import { createApp } from './support/app.ts';
import { control, requestFor, startDeployment, waitForEnd, type Started } from './support/deploy.ts';
import { useEngine } from './support/engine.ts';
import { manualAlarm } from './support/alarms.ts';
import { expectSucceeded, weightsOf } from './support/expect.ts';

const ctx = useEngine({ speed: 'max' });

/** Shifts of 1% to 99% (each weight above the last), each followed by a one-minute bake. */
const SHIFTS = 99;

/** The record item as DynamoDB holds it, and its size as its JSON (attribute names and values). */
async function rawRecord(id: string): Promise<{ bytes: number; watchBytes: number; stepIndex: number; status: string; waiting?: string; error?: string } | undefined> {
  const key = keys.deployment(id);
  // The engine's endpoint and credentials are in the environment (useEngine).
  const out = await new DynamoDBClient({}).send(new GetItemCommand({ TableName: ctx.engine.tableName, Key: { pk: { S: key.pk }, sk: { S: key.sk } }, ConsistentRead: true }));
  const item = out.Item;
  if (!item) return undefined;
  // The watcher's latest alarm reading is replaced at each tick (one entry per alarm), not grown: counted apart.
  // So is `lastWrite`, the id of the last operator write: a fixed-size field the first approve adds.
  const { watch, lastWrite, ...rest } = item;
  if (lastWrite) expect(lastWrite.S!.length).toBeLessThanOrEqual(36);
  return { bytes: Buffer.byteLength(JSON.stringify(rest)), watchBytes: watch ? Buffer.byteLength(JSON.stringify(watch)) : 0, stepIndex: Number(item.stepIndex!.N), status: item.status!.S!, ...(item.waitToken ? { waiting: item.waitToken.M!.kind!.S! } : {}), ...(item.error ? { error: JSON.stringify(item.error) } : {}) };
}

/** Polls the raw record until the deployment waits for an approval at `stepIndex`. */
async function approvalAt(started: Started, stepIndex: number): Promise<{ bytes: number; watchBytes: number }> {
  const t0 = performance.now();
  for (;;) {
    const raw = await rawRecord(started.deploymentId);
    if (raw && raw.stepIndex === stepIndex && raw.waiting) return raw;
    if (performance.now() - t0 > 60_000 || (raw && !['Created', 'InProgress', 'Paused'].includes(raw.status))) {
      throw new Error(`no approval wait at step ${stepIndex} (${raw?.status} at ${raw?.stepIndex}, waiting ${raw?.waiting} ${raw?.error ?? ''})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a deployment of hundreds of shifts and the most alarms, at their longest names', () => {
  it('keeps its record item the same size from the first shift to the last; the history reads back whole and in order', async () => {
    const app = await createApp(ctx.lambda, 'record-size');
    const alarms: string[] = [];
    for (let i = 0; i < MAX_ALARMS; i++) alarms.push(await manualAlarm(ctx, 'OK', `${i}-`.padEnd(MAX_ALARM_NAME - 14, 'a')));
    expect(alarms.every((name) => name.length <= MAX_ALARM_NAME)).toBe(true);
    const shifts = Array.from({ length: SHIFTS }, (_, i) => ({ setWeight: i + 1 }));
    // An approval after the first shift and another after the last: the record is read at each.
    const steps = [shifts[0]!, { approval: {} }, ...shifts.flatMap((shift, i) => [...(i === 0 ? [] : [shift]), { bake: '1m' }]), { approval: {} }, { setWeight: 100 }];
    expect(steps.length).toBeGreaterThan(200);
    const started = await startDeployment(ctx, requestFor(app, { strategy: { steps }, alarms }));

    const first = await approvalAt(started, 1);
    await control(ctx, started.deploymentId, 'approve');
    const last = await approvalAt(started, steps.length - 2);
    await control(ctx, started.deploymentId, 'approve');
    const outcome = await waitForEnd(ctx, started, app, 120_000);
    expectSucceeded(outcome);

    // The same size after 99 shifts and 99 bakes as after one shift (a few digits of the step index at most), far below 400 KB.
    process.stdout.write(`record item: ${first.bytes} bytes at step 1, ${last.bytes} bytes at step ${steps.length - 2} (and the watcher's reading: ${first.watchBytes}, ${last.watchBytes})\n`);
    expect(Math.abs(last.bytes - first.bytes)).toBeLessThan(16);
    expect(last.bytes + last.watchBytes).toBeLessThan(128 * 1024);
    expect(last.watchBytes).toBeLessThan(MAX_ALARMS * (MAX_ALARM_NAME + 64));

    // Every weight and event, in the order they happened.
    expect(weightsOf(outcome.record)).toEqual([0, ...shifts.map((s) => s.setWeight), 100]);
    const snapshot = await readSnapshot(ctx.target, started.deploymentId, { alarms: false });
    expect(snapshot.weights.map((w) => w.weight)).toEqual([0, ...shifts.map((s) => s.setWeight), 100]);
    const shifted = snapshot.events.filter((e) => e.type === 'WeightShifted').map((e) => e.stepIndex);
    expect(shifted).toEqual(steps.flatMap((step, i) => ('setWeight' in step ? [i] : [])));
    expect(snapshot.events.filter((e) => e.type === 'StepStarted')).toHaveLength(SHIFTS);
    expect(snapshot.events[0]!.type).toBe('Started');
    expect(snapshot.events.at(-1)!.type).toBe('Succeeded');
    const times = snapshot.events.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  }, 180_000);
});
