/**
 * What a hook template is invoked with and which version it checks. Under Glidepath the event
 * carries a `Glidepath` object with the target; under CodeDeploy it carries only DeploymentId and
 * LifecycleEventHookExecutionId, so the target comes from the environment: `TARGET_VERSION` (a
 * version number, or a qualified ARN as SAM's `!Ref MyFunction.Version` gives), `TARGET_FUNCTION`
 * (unless TARGET_VERSION is an ARN) and optionally `TARGET_ALIAS`.
 */
import type { HookPayload } from '../model/machine.ts';
import { configError, readString, type Env } from './config.ts';

export interface TemplateEvent {
  deploymentId: string;
  executionId: string;
  glidepath?: HookPayload['Glidepath'];
}

export interface HookTarget {
  /** The function as given (name or ARN without qualifier). */
  functionName: string;
  /** The published version under test. */
  version: string;
  alias?: string;
  currentVersion?: string;
  lifecycleEvent?: string;
  source: 'glidepath' | 'environment';
}

/** Thrown when the event is not a hook invocation: there is nobody to report to. */
export class NotAHookEventError extends Error {
  override name = 'NotAHookEvent';
}

export function parseTemplateEvent(event: unknown): TemplateEvent {
  const e = (event ?? {}) as Record<string, unknown>;
  const deploymentId = e.DeploymentId;
  const executionId = e.LifecycleEventHookExecutionId;
  if (typeof deploymentId !== 'string' || !deploymentId || typeof executionId !== 'string' || !executionId) {
    throw new NotAHookEventError(
      'event: must carry DeploymentId and LifecycleEventHookExecutionId (the hook payload of Glidepath or CodeDeploy)',
    );
  }
  const glidepath = e.Glidepath;
  return {
    deploymentId,
    executionId,
    ...(glidepath && typeof glidepath === 'object' ? { glidepath: glidepath as HookPayload['Glidepath'] } : {}),
  };
}

/**
 * A published version number (request.ts VERSION_PATTERN, repeated here so that a template's bundle
 * does not carry zod, which request.ts builds its schemas with).
 */
const VERSION_PATTERN = /^[1-9][0-9]*$/;

/** `arn:aws:lambda:eu-west-1:123456789012:function:orders-api:8` → function ARN and version. */
const QUALIFIED_ARN = /^(arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9-_.]+):([^:]+)$/;

export function resolveTarget(event: TemplateEvent, env: Env): HookTarget {
  const g = event.glidepath;
  if (g && typeof g.function === 'string' && typeof g.targetVersion === 'string') {
    return {
      functionName: g.function,
      version: g.targetVersion,
      alias: g.alias,
      currentVersion: g.currentVersion,
      lifecycleEvent: g.lifecycleEvent,
      source: 'glidepath',
    };
  }
  const versionValue = readString(env, 'TARGET_VERSION');
  if (versionValue === undefined) {
    throw configError('TARGET_VERSION', 'is required when the hook runs without Glidepath (under CodeDeploy): set it to the version under test, e.g. !Ref MyFunction.Version');
  }
  const alias = readString(env, 'TARGET_ALIAS');
  const arn = QUALIFIED_ARN.exec(versionValue);
  const functionName = arn ? arn[1]! : readString(env, 'TARGET_FUNCTION');
  const version = arn ? arn[2]! : versionValue;
  if (!functionName) throw configError('TARGET_FUNCTION', 'is required when TARGET_VERSION is a version number');
  if (!VERSION_PATTERN.test(version)) {
    throw configError('TARGET_VERSION', 'must be a published version number or a qualified function ARN (never $LATEST)', versionValue);
  }
  return { functionName, version, ...(alias ? { alias } : {}), source: 'environment' };
}

/** `{function}`, `{alias}`, `{targetVersion}`, `{currentVersion}` in a template string. */
export function fillPlaceholders(text: string, target: HookTarget): string {
  const values: Record<string, string | undefined> = {
    function: target.functionName,
    alias: target.alias,
    targetVersion: target.version,
    currentVersion: target.currentVersion,
  };
  return text.replace(/\{(function|alias|targetVersion|currentVersion)\}/g, (match, key: string) => values[key] ?? match);
}
