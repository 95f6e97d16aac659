/**
 * `glidepath plan`: prints the plan a deployment would walk, without touching anything.
 *
 *   glidepath plan --strategy <name|JSON> [--function F --alias A --current V --target V]
 *   glidepath plan --appspec <file> [--strategy …]
 *   glidepath plan --template <template.yaml> --function <LogicalId> [--strategy …]
 */
import type { Command } from 'commander';
import { parsePlanningRequest } from '../../shared/core/validate.ts';
import { planPreview } from '../../shared/core/planner.ts';
import { readAppSpec } from '../../shared/core/readers/appspec.ts';
import { readSamTemplate, samRequestWithStrategy } from '../../shared/core/readers/sam.ts';
import type { PlanPreview } from '../../shared/core/model/plan.ts';
import { ruleViolation } from '../../shared/core/describe.ts';
import { reportError, usageError, useColour, type CliContext, type CliIO } from '../context.ts';
import { readFlagFile } from '../options.ts';
import { serverlessSource } from '../serverless-source.ts';
import { COLOUR, PLAIN, renderPlanTable } from '../plan-table.ts';

export interface PlanOptions {
  strategy?: string;
  function?: string;
  alias?: string;
  current?: string;
  target?: string;
  appspec?: string;
  template?: string;
  serverless?: string;
  json?: boolean;
}

/** The strategy used for an AppSpec when --strategy is not given (an AppSpec names none). */
export const APPSPEC_DEFAULT_STRATEGY = 'AllAtOnce';

/** `--strategy` is a name, or JSON when it starts with `{`. */
export function parseStrategyFlag(value: string): unknown {
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[') && !trimmed.startsWith('"')) return trimmed;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw ruleViolation('INVALID_DEPLOYMENT_CONFIG', 'strategy', `must be a strategy name or JSON (${reason})`, value);
  }
}

/** Flags that were given, as request fields. */
function flagFields(options: PlanOptions, withFunction: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  if (withFunction && options.function !== undefined) out.functionName = options.function;
  if (options.alias !== undefined) out.alias = options.alias;
  if (options.current !== undefined) out.currentVersion = options.current;
  if (options.target !== undefined) out.targetVersion = options.target;
  return out;
}

/** Turns the flags (and the file they name) into a plan; throws a ValidationError on bad input. */
export function planFromOptions(options: PlanOptions, io: CliIO): PlanPreview {
  const given = (['appspec', 'template', 'serverless'] as const).filter((k) => options[k] !== undefined);
  if (given.length > 1) throw usageError(`--${given[1]}`, `cannot be combined with --${given[0]}: give one source`);
  const strategy = options.strategy === undefined ? undefined : parseStrategyFlag(options.strategy);
  let request: Record<string, unknown>;
  const warnings: string[] = [];
  if (options.appspec !== undefined) {
    const appSpec = readAppSpec(readFlagFile(io, '--appspec', options.appspec));
    if (strategy === undefined) {
      warnings.push(`the AppSpec names no deployment configuration and --strategy was not given: planned ${APPSPEC_DEFAULT_STRATEGY}`);
    }
    request = { ...appSpec, ...flagFields(options, true), strategy: strategy ?? APPSPEC_DEFAULT_STRATEGY };
  } else if (options.serverless !== undefined) {
    const read = serverlessSource(io, options.serverless, options.function, strategy);
    warnings.push(...read.warnings);
    request = { ...read.request, ...flagFields(options, false) };
  } else if (options.template !== undefined) {
    if (options.function === undefined) throw usageError('--function', "is required with --template (the function's logical id)");
    const read = readSamTemplate(readFlagFile(io, '--template', options.template), options.function, { strategyGiven: strategy !== undefined });
    warnings.push(...read.warnings);
    request = { ...samRequestWithStrategy(read, strategy), ...flagFields(options, false) };
  } else {
    if (strategy === undefined) throw usageError('strategy', 'is required: give --strategy, --appspec or --template');
    request = { ...flagFields(options, true), strategy };
  }
  const plan = planPreview(parsePlanningRequest(request));
  if (warnings.length > 0) plan.warnings = [...warnings, ...(plan.warnings ?? [])];
  return plan;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('plan')
    .description('print the steps a deployment would take, without changing anything')
    .option('--strategy <name|JSON>', 'a CodeDeploy configuration name, {"type","percentage","intervalMinutes"} or {"steps":[…]}')
    .option('--function <name>', 'function name or ARN (with --template: the function\'s logical id)')
    .option('--alias <name>', 'alias to shift')
    .option('--current <version>', 'version the alias serves now')
    .option('--target <version>', 'version to shift to')
    .option('--appspec <file>', 'a CodeDeploy AppSpec (YAML or JSON)')
    .option('--template <file>', 'a SAM template; use with --function <LogicalId>')
    .option('--serverless <file>', "a serverless.yml with serverless-plugin-canary-deployments' deploymentSettings; use with --function <key>")
    .option('--json', 'print the plan as JSON')
    .addHelpText(
      'after',
      `
Examples:
  glidepath plan --strategy Canary10Percent5Minutes --function orders --alias live --current 7 --target 8
  glidepath plan --strategy '{"type":"TimeBasedLinear","percentage":30,"intervalMinutes":2}'
  glidepath plan --strategy '{"steps":[{"setWeight":5},{"bake":"10m"},{"approval":{}},{"setWeight":50},{"bake":"30m"}]}'
  glidepath plan --appspec appspec.yaml --strategy Linear10PercentEvery1Minute
  glidepath plan --template template.yaml --function OrdersFunction --current 7 --target 8 --json`,
    )
    .action((options: PlanOptions) => {
      const json = options.json === true;
      try {
        const plan = planFromOptions(options, ctx.io);
        ctx.io.stdout.write(json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlanTable(plan, useColour(ctx.io) ? COLOUR : PLAIN));
      } catch (error) {
        ctx.exitCode = reportError(ctx.io, error, json);
      }
    });
}
