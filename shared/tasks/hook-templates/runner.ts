/**
 * The frame every hook template runs in: read the event, find the target version, run the
 * template's check, report Succeeded or Failed with PutLifecycleEventHookExecutionStatus.
 * A check that throws (bad configuration included) is a Failed report, never a silent wait.
 */
import { parseTemplateEvent, resolveTarget, type HookTarget, type TemplateEvent } from '../../core/hook-templates/context.ts';
import type { Env } from '../../core/hook-templates/config.ts';
import type { ReportHookStatus } from '../../core/ports/hook-template.ts';

export interface CheckResult {
  passed: boolean;
  /** One line a person reads in the hook's log: what was checked and what was seen. */
  summary: string;
  details?: unknown;
}

export interface TemplateOutcome {
  template: string;
  status: 'Succeeded' | 'Failed';
  summary: string;
  target?: HookTarget;
  details?: unknown;
}

export async function runTemplate(
  template: string,
  rawEvent: unknown,
  env: Env,
  report: ReportHookStatus,
  check: (target: HookTarget, event: TemplateEvent) => Promise<CheckResult>,
): Promise<TemplateOutcome> {
  const event = parseTemplateEvent(rawEvent);
  let outcome: TemplateOutcome;
  let target: HookTarget | undefined;
  try {
    target = resolveTarget(event, env);
    const result = await check(target, event);
    outcome = {
      template,
      status: result.passed ? 'Succeeded' : 'Failed',
      summary: result.summary,
      target,
      ...(result.details === undefined ? {} : { details: result.details }),
    };
  } catch (error) {
    outcome = { template, status: 'Failed', summary: `${template}: ${(error as Error)?.message ?? String(error)}`, ...(target ? { target } : {}) };
  }
  await report(
    { deploymentId: event.deploymentId, lifecycleEventHookExecutionId: event.executionId, status: outcome.status },
    event.glidepath !== undefined,
  );
  return outcome;
}
