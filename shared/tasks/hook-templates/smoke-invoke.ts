/**
 * smoke-invoke: invokes the target version itself (Qualifier = version, never the alias, so no
 * user traffic is involved and the version under test is the one answering) with each configured
 * test event, and checks each response.
 *
 * Environment:
 * - `GLIDEPATH_SMOKE_EVENTS`: JSON array of cases `{"name"?, "event", "expect"?}`; default one case
 *   with the event `{}`. `expect` = `{"subset"?: JSON, "paths"?: {"$.a.b": value}, "contains"?: "text"}`.
 * - `GLIDEPATH_SMOKE_EXPECT`: the `expect` of cases that have none.
 * A response with a FunctionError always fails its case.
 */
import { pathMismatch, subsetMismatch } from '../../core/hook-templates/assertions.ts';
import { configError, readJson, type Env } from '../../core/hook-templates/config.ts';
import type { HookTarget } from '../../core/hook-templates/context.ts';
import type { CheckResult } from './runner.ts';
import type { InvokeVersion, VersionInvocation } from '../../core/ports/hook-template.ts';

export interface Expectation {
  subset?: unknown;
  paths?: Record<string, unknown>;
  contains?: string;
}

export interface SmokeCase {
  name: string;
  event: unknown;
  expect?: Expectation;
}

function readExpectation(value: unknown, name: string): Expectation | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw configError(name, 'must be an object {subset?, paths?, contains?}');
  const { subset, paths, contains, ...extra } = value as Record<string, unknown>;
  const unknownKeys = Object.keys(extra);
  if (unknownKeys.length) throw configError(name, `has unknown keys ${unknownKeys.join(', ')}; allowed: subset, paths, contains`);
  if (paths !== undefined && (paths === null || typeof paths !== 'object' || Array.isArray(paths))) {
    throw configError(`${name}.paths`, 'must be an object of "$.path": value');
  }
  for (const path of Object.keys((paths ?? {}) as object)) {
    if (!path.startsWith('$')) throw configError(`${name}.paths`, `path ${JSON.stringify(path)} must start with $`);
  }
  if (contains !== undefined && typeof contains !== 'string') throw configError(`${name}.contains`, 'must be a string');
  return {
    ...(subset === undefined ? {} : { subset }),
    ...(paths === undefined ? {} : { paths: paths as Record<string, unknown> }),
    ...(contains === undefined ? {} : { contains }),
  };
}

export function readSmokeConfig(env: Env): SmokeCase[] {
  const fallback = readExpectation(readJson(env, 'GLIDEPATH_SMOKE_EXPECT'), 'GLIDEPATH_SMOKE_EXPECT');
  const raw = readJson(env, 'GLIDEPATH_SMOKE_EVENTS') ?? [{ event: {} }];
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 100) {
    throw configError('GLIDEPATH_SMOKE_EVENTS', 'must be a JSON array of 1 to 100 cases {"name"?, "event", "expect"?}');
  }
  return raw.map((item, i) => {
    const field = `GLIDEPATH_SMOKE_EVENTS[${i}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item) || !('event' in item)) {
      throw configError(field, 'must be an object with an "event"');
    }
    const { name, event, expect } = item as { name?: unknown; event: unknown; expect?: unknown };
    const expectation = readExpectation(expect, `${field}.expect`) ?? fallback;
    return { name: typeof name === 'string' && name ? name : `case ${i + 1}`, event, ...(expectation ? { expect: expectation } : {}) };
  });
}

/** `function error Unhandled: TypeError: x is undefined` from the runtime's error payload (no stack trace). */
export function describeFunctionError(response: VersionInvocation): string {
  let detail = response.payload.slice(0, 300);
  try {
    const body = JSON.parse(response.payload) as { errorType?: unknown; errorMessage?: unknown };
    if (body && typeof body.errorMessage === 'string') {
      detail = `${typeof body.errorType === 'string' ? `${body.errorType}: ` : ''}${body.errorMessage.slice(0, 300)}`;
    }
  } catch {
    // Not JSON: the raw text, cut.
  }
  return `function error ${response.functionError}: ${detail}`;
}

/** Why one response fails its case, or undefined. */
export function judgeResponse(response: VersionInvocation, expectation: Expectation | undefined): string | undefined {
  if (response.functionError) return describeFunctionError(response);
  if (!expectation) return undefined;
  if (expectation.contains !== undefined && !response.payload.includes(expectation.contains)) {
    return `response does not contain ${JSON.stringify(expectation.contains)}`;
  }
  let body: unknown = response.payload;
  try {
    body = JSON.parse(response.payload);
  } catch {
    // Not JSON: assertions compare the raw text.
  }
  if (expectation.subset !== undefined) {
    const mismatch = subsetMismatch(body, expectation.subset);
    if (mismatch) return mismatch;
  }
  return expectation.paths ? pathMismatch(body, expectation.paths) : undefined;
}

export async function smokeInvoke(target: HookTarget, cases: SmokeCase[], invoke: InvokeVersion): Promise<CheckResult> {
  const results: { name: string; passed: boolean; reason?: string }[] = [];
  for (const c of cases) {
    let reason: string | undefined;
    try {
      const response = await invoke(target.functionName, target.version, c.event);
      reason = judgeResponse(response, c.expect);
      if (!reason && response.executedVersion && response.executedVersion !== target.version) {
        reason = `version ${response.executedVersion} answered, not ${target.version}`;
      }
    } catch (error) {
      reason = `invoke failed: ${(error as Error)?.name}: ${(error as Error)?.message}`;
    }
    results.push({ name: c.name, passed: reason === undefined, ...(reason ? { reason } : {}) });
  }
  const failed = results.filter((r) => !r.passed);
  const where = `${target.functionName}:${target.version}`;
  const summary = failed.length
    ? `smoke-invoke ${where}: ${failed.length} of ${results.length} cases failed; ${failed[0]!.name}: ${failed[0]!.reason}`
    : `smoke-invoke ${where}: ${results.length} of ${results.length} cases passed`;
  return { passed: failed.length === 0, summary, details: results };
}
