/**
 * One local engine per e2e file, reached the way the CLI reaches it: real AWS SDK v3 clients
 * over HTTP (the engine's `AWS_ENDPOINT_URL*`), operator actions through the CLI's own
 * `sendControl` (an Invoke of the control function), the record read with the deployment store.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startLocalEngine } from '../../../infra/local/engine.ts';
import type { Rule } from '../../../infra/local/ways-in/rules.ts';
import { connect, type E2E } from './connect.ts';

export type { E2E };

export interface E2EOptions {
  /** Simulated seconds per real second (default 10,000: a 5-minute bake lasts 30 ms), or `max`: virtual time. */
  speed?: number | 'max';
  /** Seconds (engine clock) before a metric datapoint shows (default: the engine's, a minute). */
  metricLagSeconds?: number;
}

/**
 * Starts an engine before the file's tests and closes it after them. The returned object is
 * filled in by `beforeAll`: read its fields inside tests only.
 */
export function useEngine(options: E2EOptions = {}): E2E {
  const ctx = {} as E2E;
  beforeAll(async () => {
    // The handlers' Powertools logs stay quiet unless GLIDEPATH_LOG_LEVEL asks for them.
    const engine = await startLocalEngine({ speed: options.speed ?? 10_000, logLevel: process.env.GLIDEPATH_LOG_LEVEL ?? 'SILENT',
      ...(options.metricLagSeconds === undefined ? {} : { metricLagSeconds: options.metricLagSeconds }),
    });
    // This test process is a client of the engine, as a shell that sourced `glidepath local up`'s
    // exports would be: AWS_ENDPOINT_URL*, the region and dummy credentials, so `{}` reaches it.
    Object.assign(process.env, engine.env);
    Object.assign(ctx, connect(engine));
  });
  afterAll(async () => {
    ctx.lambda?.destroy();
    ctx.sfn?.destroy();
    ctx.cloudwatch?.destroy();
    await ctx.engine?.close();
  });
  return ctx;
}

/**
 * For each test of the file: the engine's EventBridge rule `logicalId` taken out of its rules (its
 * events are lost, as a missed delivery on AWS would be), and put back after the test.
 */
export function withoutRule(ctx: E2E, logicalId: string): void {
  let rules: (() => Promise<Rule[]>) | undefined;
  beforeEach(() => {
    const bus = ctx.engine.waysIn.events.options;
    const all = bus.rules;
    rules = all;
    bus.rules = async () => (await all()).filter((r) => r.logicalId !== logicalId);
  });
  afterEach(() => {
    if (rules) ctx.engine.waysIn.events.options.rules = rules;
  });
}
