/**
 * metric-gate: reads the target version's own Lambda metrics (AWS/Lambda with dimensions
 * FunctionName, Resource = `<function>:<alias>`, ExecutedVersion = target) over a window and
 * passes when the error rate, the p99 duration and the invocation count are within bounds.
 * Useful after traffic reaches the target (AfterAllowTraffic, or a `hook` step after a setWeight).
 *
 * Environment:
 * - `GLIDEPATH_METRIC_WINDOW_SECONDS` (default 300): how far back to look (rounded up to a minute).
 * - `GLIDEPATH_METRIC_MAX_ERROR_PERCENT` (default 1): Errors / Invocations × 100 must be at most this.
 * - `GLIDEPATH_METRIC_MAX_P99_MS` (optional): p99 Duration must be at most this.
 * - `GLIDEPATH_METRIC_MIN_INVOCATIONS` (default 1): fewer invocations is a failure (no evidence).
 * - `GLIDEPATH_METRIC_WAIT_SECONDS` (default 0), `GLIDEPATH_METRIC_POLL_SECONDS` (default 60): keep
 *   reading until enough invocations arrive or the wait is over.
 * - `GLIDEPATH_METRIC_RESOURCE` (default `<function>:<alias>`): the Resource dimension; `{function}`,
 *   `{alias}`, `{targetVersion}` are filled in (`{function}:{targetVersion}` counts version-qualified calls).
 */
import { bareFunctionName } from '../../core/model/record.ts';
import { configError, readInt, readNumber, readString, type Env } from '../../core/hook-templates/config.ts';
import { fillPlaceholders, type HookTarget } from '../../core/hook-templates/context.ts';
import type { CheckResult } from './runner.ts';
import type { GetMetricData, MetricQuery } from '../../core/ports/hook-template.ts';

export interface MetricGateConfig {
  windowSeconds: number;
  maxErrorPercent: number;
  maxP99Ms?: number;
  minInvocations: number;
  waitSeconds: number;
  pollSeconds: number;
  resource?: string;
}

export interface MetricGatePorts {
  getMetricData: GetMetricData;
  /** Epoch ms on the deployment clock. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export interface MetricReading {
  invocations: number;
  errors: number;
  p99Ms?: number;
}

export function readMetricGateConfig(env: Env): MetricGateConfig {
  const windowSeconds = readInt(env, 'GLIDEPATH_METRIC_WINDOW_SECONDS', 300, 60, 86_400);
  const maxP99Ms = readNumber(env, 'GLIDEPATH_METRIC_MAX_P99_MS', undefined, 1, 900_000);
  const resource = readString(env, 'GLIDEPATH_METRIC_RESOURCE');
  return {
    windowSeconds: Math.ceil(windowSeconds / 60) * 60,
    maxErrorPercent: readNumber(env, 'GLIDEPATH_METRIC_MAX_ERROR_PERCENT', 1, 0, 100)!,
    ...(maxP99Ms === undefined ? {} : { maxP99Ms }),
    minInvocations: readInt(env, 'GLIDEPATH_METRIC_MIN_INVOCATIONS', 1, 0, 1_000_000_000),
    waitSeconds: readInt(env, 'GLIDEPATH_METRIC_WAIT_SECONDS', 0, 0, 43_200),
    pollSeconds: readInt(env, 'GLIDEPATH_METRIC_POLL_SECONDS', 60, 1, 3600),
    ...(resource === undefined ? {} : { resource }),
  };
}

export function metricQueries(target: HookTarget, config: MetricGateConfig): MetricQuery[] {
  const functionName = bareFunctionName(target.functionName);
  const named = { ...target, functionName };
  const resource = config.resource ? fillPlaceholders(config.resource, named) : target.alias ? `${functionName}:${target.alias}` : undefined;
  if (!resource) {
    throw configError('GLIDEPATH_METRIC_RESOURCE', 'is required when the alias is unknown (set TARGET_ALIAS or GLIDEPATH_METRIC_RESOURCE=<function>:<alias>)');
  }
  const dimensions = [
    { Name: 'FunctionName', Value: functionName },
    { Name: 'Resource', Value: resource },
    { Name: 'ExecutedVersion', Value: target.version },
  ];
  const periodSeconds = config.windowSeconds;
  return [
    { id: 'errors', metricName: 'Errors', stat: 'Sum', dimensions, periodSeconds },
    { id: 'invocations', metricName: 'Invocations', stat: 'Sum', dimensions, periodSeconds },
    { id: 'p99', metricName: 'Duration', stat: 'p99', dimensions, periodSeconds },
  ];
}

export function toReading(values: Record<string, number[]>): MetricReading {
  const sum = (xs: number[] = []) => xs.reduce((a, b) => a + b, 0);
  const p99 = values.p99 ?? [];
  return {
    invocations: sum(values.invocations),
    errors: sum(values.errors),
    ...(p99.length ? { p99Ms: Math.max(...p99) } : {}),
  };
}

const ms = (value: number) => `${Math.round(value * 10) / 10} ms`;

/** The decision, with the figures in the message: `error rate 2.50% > 1%`. */
export function judgeReading(reading: MetricReading, config: MetricGateConfig): { passed: boolean; reason: string } {
  const { invocations, errors } = reading;
  if (invocations < config.minInvocations) {
    return { passed: false, reason: `${invocations} invocations < ${config.minInvocations} needed` };
  }
  const rate = invocations === 0 ? 0 : (errors / invocations) * 100;
  const rateText = `error rate ${rate.toFixed(2)}% (${errors}/${invocations})`;
  if (rate > config.maxErrorPercent) return { passed: false, reason: `${rateText} > ${config.maxErrorPercent}%` };
  if (config.maxP99Ms !== undefined) {
    if (reading.p99Ms === undefined) {
      if (invocations > 0) return { passed: false, reason: `no p99 Duration data for ${invocations} invocations` };
    } else if (reading.p99Ms > config.maxP99Ms) {
      return { passed: false, reason: `p99 ${ms(reading.p99Ms)} > ${config.maxP99Ms} ms` };
    }
  }
  const p99Text = reading.p99Ms === undefined ? '' : `, p99 ${ms(reading.p99Ms)}`;
  return { passed: true, reason: `${rateText}${p99Text}` };
}

export async function metricGate(target: HookTarget, config: MetricGateConfig, ports: MetricGatePorts): Promise<CheckResult> {
  const queries = metricQueries(target, config);
  const deadline = ports.now() + config.waitSeconds * 1000;
  const where = `${bareFunctionName(target.functionName)} version ${target.version} over ${config.windowSeconds} s`;
  for (;;) {
    const end = ports.now();
    const values = await ports.getMetricData({ start: new Date(end - config.windowSeconds * 1000), end: new Date(end), queries });
    const reading = toReading(values);
    const verdict = judgeReading(reading, config);
    const tooFew = reading.invocations < config.minInvocations;
    if (!tooFew || ports.now() + config.pollSeconds * 1000 > deadline) {
      return { passed: verdict.passed, summary: `metric-gate ${where}: ${verdict.reason}`, details: reading };
    }
    await ports.sleep(config.pollSeconds * 1000);
  }
}
