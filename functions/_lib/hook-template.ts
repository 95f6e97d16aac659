/**
 * What the four hook templates share on top of the one wrapper: run the template (which reports
 * to CodeDeploy's hook protocol itself) and log its outcome at the level it deserves.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ReportHookStatus } from '../../shared/core/ports/hook-template.ts';
import type { HookTarget } from '../../shared/core/hook-templates/context.ts';
import { runTemplate, type CheckResult, type TemplateOutcome } from '../../shared/tasks/hook-templates/runner.ts';
import type { Env } from './ports.ts';

export async function runHookTemplate(
  template: string,
  event: unknown,
  env: Env,
  report: ReportHookStatus,
  logger: Logger,
  check: (target: HookTarget) => Promise<CheckResult>,
): Promise<TemplateOutcome> {
  const outcome = await runTemplate(template, event, env, report, check);
  if (outcome.status === 'Succeeded') logger.info(outcome.summary, { outcome });
  else logger.warn(outcome.summary, { outcome });
  return outcome;
}
