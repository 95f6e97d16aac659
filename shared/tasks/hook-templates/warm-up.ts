/**
 * warm-up: gets the target version ready for traffic before it takes any. Two modes:
 * - `invoke` (default): invokes the target version N times (Qualifier = version), a few at once,
 *   so execution environments exist; a function error fails the hook unless allowed.
 * - `provisioned`: waits until the provisioned concurrency of the version (or of a qualifier you
 *   name) is READY; FAILED, none configured, or still not READY after the timeout fails the hook.
 *
 * Environment:
 * - `GLIDEPATH_WARMUP_MODE`: `invoke` | `provisioned`.
 * - invoke: `GLIDEPATH_WARMUP_INVOCATIONS` (default 10), `GLIDEPATH_WARMUP_CONCURRENCY` (default 5),
 *   `GLIDEPATH_WARMUP_EVENT` (JSON, default `{}`), `GLIDEPATH_WARMUP_ALLOW_ERRORS` (default false).
 * - provisioned: `GLIDEPATH_WARMUP_QUALIFIER` (default the target version), `GLIDEPATH_WARMUP_TIMEOUT_SECONDS`
 *   (default 600), `GLIDEPATH_WARMUP_POLL_SECONDS` (default 10).
 */
import { readBoolean, readEnum, readInt, readJson, readString, type Env } from '../../core/hook-templates/config.ts';
import type { HookTarget } from '../../core/hook-templates/context.ts';
import type { CheckResult } from './runner.ts';
import { describeFunctionError } from './smoke-invoke.ts';
import type { InvokeVersion, ProvisionedStatus } from '../../core/ports/hook-template.ts';

export type WarmUpConfig =
  | { mode: 'invoke'; invocations: number; concurrency: number; event: unknown; allowErrors: boolean }
  | { mode: 'provisioned'; qualifier?: string; timeoutSeconds: number; pollSeconds: number };

export interface WarmUpPorts {
  invoke: InvokeVersion;
  getProvisionedConcurrency: (functionName: string, qualifier: string) => Promise<ProvisionedStatus>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export function readWarmUpConfig(env: Env): WarmUpConfig {
  const mode = readEnum(env, 'GLIDEPATH_WARMUP_MODE', ['invoke', 'provisioned'] as const, 'invoke');
  if (mode === 'provisioned') {
    const qualifier = readString(env, 'GLIDEPATH_WARMUP_QUALIFIER');
    return {
      mode,
      ...(qualifier === undefined ? {} : { qualifier }),
      timeoutSeconds: readInt(env, 'GLIDEPATH_WARMUP_TIMEOUT_SECONDS', 600, 1, 43_200),
      pollSeconds: readInt(env, 'GLIDEPATH_WARMUP_POLL_SECONDS', 10, 1, 300),
    };
  }
  return {
    mode,
    invocations: readInt(env, 'GLIDEPATH_WARMUP_INVOCATIONS', 10, 1, 10_000),
    concurrency: readInt(env, 'GLIDEPATH_WARMUP_CONCURRENCY', 5, 1, 100),
    event: readJson(env, 'GLIDEPATH_WARMUP_EVENT') ?? {},
    allowErrors: readBoolean(env, 'GLIDEPATH_WARMUP_ALLOW_ERRORS', false),
  };
}

async function warmByInvoking(target: HookTarget, config: Extract<WarmUpConfig, { mode: 'invoke' }>, ports: WarmUpPorts): Promise<CheckResult> {
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const worker = async (): Promise<void> => {
    while (next < config.invocations) {
      next++;
      try {
        const response = await ports.invoke(target.functionName, target.version, config.event);
        if (response.functionError) {
          errors++;
          firstError ??= describeFunctionError(response);
        }
      } catch (error) {
        errors++;
        firstError ??= `invoke failed: ${(error as Error)?.name}: ${(error as Error)?.message}`;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.concurrency, config.invocations) }, worker));
  const where = `${target.functionName}:${target.version}`;
  const passed = errors === 0 || config.allowErrors;
  const tail = errors ? `, ${errors} failed (first: ${firstError})` : '';
  return { passed, summary: `warm-up ${where}: ${config.invocations} invocations${tail}`, details: { invocations: config.invocations, errors } };
}

async function waitForProvisioned(target: HookTarget, config: Extract<WarmUpConfig, { mode: 'provisioned' }>, ports: WarmUpPorts): Promise<CheckResult> {
  const qualifier = config.qualifier ?? target.version;
  const where = `${target.functionName}:${qualifier}`;
  const deadline = ports.now() + config.timeoutSeconds * 1000;
  for (;;) {
    const state = await ports.getProvisionedConcurrency(target.functionName, qualifier);
    const counts = state.requested === undefined ? '' : ` (${state.available ?? 0}/${state.requested} available)`;
    if (state.status === undefined) return { passed: false, summary: `warm-up ${where}: no provisioned concurrency is configured`, details: state };
    if (state.status === 'READY') return { passed: true, summary: `warm-up ${where}: provisioned concurrency READY${counts}`, details: state };
    if (state.status === 'FAILED') {
      return { passed: false, summary: `warm-up ${where}: provisioned concurrency FAILED${state.reason ? `: ${state.reason}` : ''}`, details: state };
    }
    if (ports.now() + config.pollSeconds * 1000 > deadline) {
      return { passed: false, summary: `warm-up ${where}: provisioned concurrency still ${state.status}${counts} after ${config.timeoutSeconds} s`, details: state };
    }
    await ports.sleep(config.pollSeconds * 1000);
  }
}

export function warmUp(target: HookTarget, config: WarmUpConfig, ports: WarmUpPorts): Promise<CheckResult> {
  return config.mode === 'invoke' ? warmByInvoking(target, config, ports) : waitForProvisioned(target, config, ports);
}
