/**
 * http-probe: calls a URL N times and checks every answer: status, optional body match, and the
 * slowest answer against a latency bound.
 *
 * Environment:
 * - `GLIDEPATH_PROBE_URL` (required); `{function}`, `{alias}`, `{targetVersion}`, `{currentVersion}` are filled in.
 * - `GLIDEPATH_PROBE_COUNT` (default 5), `GLIDEPATH_PROBE_INTERVAL_MS` (default 0) between calls.
 * - `GLIDEPATH_PROBE_METHOD` (default GET), `GLIDEPATH_PROBE_HEADERS` (JSON object), `GLIDEPATH_PROBE_BODY`.
 * - `GLIDEPATH_PROBE_EXPECT_STATUS`: comma list of codes or classes, e.g. `200,204` or `2xx` (default `200`).
 * - `GLIDEPATH_PROBE_BODY_CONTAINS`, `GLIDEPATH_PROBE_BODY_REGEX`: the body must match.
 * - `GLIDEPATH_PROBE_MAX_LATENCY_MS`: the slowest call must be at most this.
 * - `GLIDEPATH_PROBE_TIMEOUT_MS` (default 10000): one call's limit.
 */
import { configError, readInt, readJson, readString, requireString, type Env } from '../../core/hook-templates/config.ts';
import { fillPlaceholders, type HookTarget } from '../../core/hook-templates/context.ts';
import type { CheckResult } from './runner.ts';

export interface ProbeConfig {
  url: string;
  count: number;
  intervalMs: number;
  method: string;
  headers: Record<string, string>;
  body?: string;
  expectStatus: string[];
  bodyContains?: string;
  bodyRegex?: RegExp;
  maxLatencyMs?: number;
  timeoutMs: number;
}

export interface ProbePorts {
  fetch: typeof fetch;
  /** A monotonic millisecond timer for latency (not the deployment clock). */
  timer: () => number;
  sleep: (ms: number) => Promise<void>;
}

export function readProbeConfig(env: Env): ProbeConfig {
  const url = requireString(env, 'GLIDEPATH_PROBE_URL');
  if (!/^https?:\/\//i.test(url)) throw configError('GLIDEPATH_PROBE_URL', 'must be an http:// or https:// URL', url);
  const headers = readJson(env, 'GLIDEPATH_PROBE_HEADERS') ?? {};
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers) || Object.values(headers).some((v) => typeof v !== 'string')) {
    throw configError('GLIDEPATH_PROBE_HEADERS', 'must be a JSON object of header names to strings');
  }
  const expectStatus = (readString(env, 'GLIDEPATH_PROBE_EXPECT_STATUS') ?? '200').split(',').map((s) => s.trim().toLowerCase());
  for (const s of expectStatus) {
    if (!/^[1-5](\d\d|xx)$/.test(s)) throw configError('GLIDEPATH_PROBE_EXPECT_STATUS', 'must be status codes or classes like 200,204 or 2xx', s);
  }
  const regex = readString(env, 'GLIDEPATH_PROBE_BODY_REGEX');
  let bodyRegex: RegExp | undefined;
  if (regex !== undefined) {
    try {
      bodyRegex = new RegExp(regex);
    } catch {
      throw configError('GLIDEPATH_PROBE_BODY_REGEX', 'must be a regular expression', regex);
    }
  }
  const maxLatency = readInt(env, 'GLIDEPATH_PROBE_MAX_LATENCY_MS', 0, 1, 900_000);
  const body = readString(env, 'GLIDEPATH_PROBE_BODY');
  const bodyContains = readString(env, 'GLIDEPATH_PROBE_BODY_CONTAINS');
  return {
    url,
    count: readInt(env, 'GLIDEPATH_PROBE_COUNT', 5, 1, 1000),
    intervalMs: readInt(env, 'GLIDEPATH_PROBE_INTERVAL_MS', 0, 0, 60_000),
    method: (readString(env, 'GLIDEPATH_PROBE_METHOD') ?? 'GET').toUpperCase(),
    headers: headers as Record<string, string>,
    ...(body === undefined ? {} : { body }),
    expectStatus,
    ...(bodyContains === undefined ? {} : { bodyContains }),
    ...(bodyRegex ? { bodyRegex } : {}),
    ...(maxLatency > 0 ? { maxLatencyMs: maxLatency } : {}),
    timeoutMs: readInt(env, 'GLIDEPATH_PROBE_TIMEOUT_MS', 10_000, 1, 900_000),
  };
}

export function statusExpected(status: number, expected: string[]): boolean {
  const code = String(status);
  return expected.some((e) => (e.endsWith('xx') ? code[0] === e[0] : code === e));
}

interface Attempt {
  status?: number;
  latencyMs: number;
  error?: string;
}

export async function httpProbe(target: HookTarget, config: ProbeConfig, ports: ProbePorts): Promise<CheckResult> {
  const url = fillPlaceholders(config.url, target);
  const headers = Object.fromEntries(Object.entries(config.headers).map(([k, v]) => [k, fillPlaceholders(v, target)]));
  const attempts: Attempt[] = [];
  for (let i = 0; i < config.count; i++) {
    if (i > 0 && config.intervalMs > 0) await ports.sleep(config.intervalMs);
    const started = ports.timer();
    try {
      const response = await ports.fetch(url, {
        method: config.method,
        headers,
        ...(config.body === undefined ? {} : { body: fillPlaceholders(config.body, target) }),
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      const text = await response.text();
      const latencyMs = Math.round(ports.timer() - started);
      let error: string | undefined;
      if (!statusExpected(response.status, config.expectStatus)) error = `status ${response.status}, expected ${config.expectStatus.join(' or ')}`;
      else if (config.bodyContains !== undefined && !text.includes(config.bodyContains)) error = `body does not contain ${JSON.stringify(config.bodyContains)}`;
      else if (config.bodyRegex && !config.bodyRegex.test(text)) error = `body does not match /${config.bodyRegex.source}/`;
      attempts.push({ status: response.status, latencyMs, ...(error ? { error } : {}) });
    } catch (e) {
      const err = e as Error;
      const reason = err?.name === 'TimeoutError' ? `no answer within ${config.timeoutMs} ms` : `${err?.name}: ${err?.message}`;
      attempts.push({ latencyMs: Math.round(ports.timer() - started), error: reason });
    }
  }
  const failures = attempts.filter((a) => a.error);
  const slowest = Math.max(...attempts.map((a) => a.latencyMs));
  const where = `${config.method} ${url}`;
  if (failures.length) {
    return { passed: false, summary: `http-probe ${where}: ${failures.length} of ${attempts.length} calls failed; first: ${failures[0]!.error}`, details: attempts };
  }
  if (config.maxLatencyMs !== undefined && slowest > config.maxLatencyMs) {
    return { passed: false, summary: `http-probe ${where}: slowest call ${slowest} ms > ${config.maxLatencyMs} ms`, details: attempts };
  }
  return { passed: true, summary: `http-probe ${where}: ${attempts.length} of ${attempts.length} calls passed, slowest ${slowest} ms`, details: attempts };
}
