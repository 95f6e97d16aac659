/**
 * `glidepath plan`: prints the plan a deployment would walk, without touching anything.
 *
 *   glidepath plan --strategy <name|JSON> [--function F --alias A --current V --target V]
 *   glidepath plan --appspec <file> [--strategy …]
 *   glidepath plan --template <template.yaml> --function <LogicalId> [--strategy …]
 */
import type { Command } from 'commander';
import { reportError, type CliContext } from '../context.ts';
import { buildPlan, type RequestFlags } from '../request-flags.ts';
import { renderPlanTable } from '../view/plan-table.ts';
import { styleFor } from '../view/style.ts';

interface PlanOptions extends Pick<RequestFlags, 'strategy' | 'function' | 'alias' | 'current' | 'target' | 'appspec' | 'template'> {
  json?: boolean;
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
        const plan = buildPlan(options, ctx.io);
        ctx.io.stdout.write(json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlanTable(plan, styleFor(ctx.io)));
      } catch (error) {
        ctx.exitCode = reportError(ctx.io, error, json);
      }
    });
}
