/**
 * `glidepath deploy`: starts a deployment (a Step Functions execution named after the deployment
 * id, whose input is the deployment request) and, with `--wait`, follows it to its end.
 *
 *   glidepath deploy --strategy Canary10Percent5Minutes --function orders --alias live --target 8 --wait
 *   glidepath deploy --appspec appspec.yaml --strategy Linear10PercentEvery1Minute
 *   glidepath deploy --template template.yaml --function OrdersFunction --target 8 --local --wait
 */
import type { Command } from 'commander';
import { startDeployment } from '../../shared/aws/start-deployment.ts';
import { planDeployment } from '../../shared/core/planner.ts';
import type { DeploymentRequest } from '../../shared/core/model/request.ts';
import type { CliContext, CliIO } from '../context.ts';
import { buildDeployRequest, type RequestFlags } from '../request-flags.ts';
import { newDeploymentId } from '../deployment-id.ts';
import { EXIT_CODES, exitCodeForStatus, explainUnreachable, failWith } from '../exit-codes.ts';
import { addOutputOption, collect, outputMode, parseDurationMs, parseIntervalMs, parseSpeed, wantsJson, type CommonFlags } from '../options.ts';
import { addTargetOptions, resolveTarget, type Target, type TargetOptions } from '../target.ts';
import { formatDuration } from '../view/describe.ts';
import { displayFor } from '../view/display.ts';
import { styleFor } from '../view/style.ts';
import { followUntilDone } from '../follow.ts';
import type { DeploymentSnapshot } from '../snapshot.ts';

export interface DeployOptions extends RequestFlags, Omit<TargetOptions, 'speed'>, CommonFlags {
  wait?: boolean;
  timeout?: string;
  interval?: string;
  speed?: string;
}

export interface Started {
  deploymentId: string;
  executionArn: string;
  startDate: string;
  request: DeploymentRequest;
}

/** Starts the execution (shared/aws/start-deployment.ts): the execution name is the deployment id, the input the request. */
/** Times come from the target's clock (`target.now()`: the engine's on the local engine), never this process's. */
export async function startRequest(target: Target, request: DeploymentRequest, id?: string): Promise<Started> {
  try {
    const nowMs = await target.now();
    const started = await startDeployment(target.clients.sfn, target.stateMachineArn, id ?? newDeploymentId(nowMs), request);
    return { deploymentId: started.deploymentId, executionArn: started.executionArn, startDate: started.startDate ?? new Date(nowMs).toISOString(), request };
  } catch (error) {
    throw explainUnreachable(error, target.description);
  }
}

export function describeStart(started: Started, io: CliIO): string {
  const style = styleFor(io);
  const r = started.request;
  const plan = planDeployment(r);
  const bakes = plan.totalBakeSeconds > 0 ? `, ${formatDuration(plan.totalBakeSeconds)} of bakes` : '';
  const versions = `${r.currentVersion ? `version ${r.currentVersion}` : 'the version it serves'} → version ${r.targetVersion}`;
  return `Started ${style.bold(started.deploymentId)}: ${r.functionName}:${r.alias} ${versions} with ${plan.strategy} (${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}${bakes})\n`;
}

function followHint(target: Target, id: string): string {
  return `Follow it: glidepath status ${id} --watch${target.kind === 'aws' ? '' : ' --local'}\n`;
}

export function register(program: Command, ctx: CliContext): void {
  const command = program
    .command('deploy')
    .description('start a deployment; with --wait, follow it and exit 0 only if it succeeded')
    .option('--strategy <name|JSON>', 'a CodeDeploy configuration name, {"type","percentage","intervalMinutes"} or {"steps":[…]}')
    .option('--function <name>', "function name or ARN (with --template: the function's logical id)")
    .option('--function-name <name>', 'with --template: the deployed function name, when the template does not set FunctionName')
    .option('--alias <name>', 'alias whose traffic moves')
    .option('--current <version>', 'version the alias serves now (default: read from the alias)')
    .option('--target <version>', 'published version to move to')
    .option('--appspec <file>', 'a CodeDeploy AppSpec (YAML or JSON)')
    .option('--template <file>', 'a SAM template; use with --function <LogicalId>')
    .option('--serverless <file>', "a serverless.yml with serverless-plugin-canary-deployments' deploymentSettings; use with --function <key>")
    .option('--request <file>', 'a deployment request file (JSON or YAML: functionName, alias, targetVersion, strategy, …)')
    .option('--before-hook <function>', 'BeforeAllowTraffic hook function')
    .option('--after-hook <function>', 'AfterAllowTraffic hook function')
    .option('--step-hook <function>', 'hook run after every traffic increase')
    .option('--alarm <name>', 'CloudWatch alarm to watch (repeatable)', collect)
    .option('--alarm-interval <seconds>', 'seconds between alarm checks during bakes (default 10)')
    .option('--ignore-alarms-at-start', 'start even if an alarm is already in ALARM')
    .option('--hook-timeout <seconds>', 'how long a hook may take to report (default 3600)')
    .option('--final-bake <duration>', 'keep watching alarms this long after 100% (e.g. 5m)')
    .option('--analysis <JSON>', 'the analysis policy (checks, tolerances, lag, onInconclusive, custom checks; see docs/analysis.md)')
    .option('--no-analysis', 'do not judge the target against the current version')
    .option('--on-inconclusive <action>', 'what a bake whose analysis stayed inconclusive does at its end: proceed (default), extend or pause')
    .option('--description <text>', 'free text kept with the deployment')
    .option('--wait', 'follow the deployment to its end; the exit code tells the outcome')
    .option('--timeout <duration>', 'with --wait: stop waiting after this long (exit code 6; the deployment goes on)')
    .option('--interval <ms>', 'with --wait: milliseconds between polls')
    .option('--speed <x>', `clock speed of a local engine started for this command (simulated seconds per second)`);
  addTargetOptions(command);
  addOutputOption(command);
  command.addHelpText(
    'after',
    `
Exit codes: 0 succeeded (or started, without --wait), 1 failed and rolled back, 2 invalid input,
3 not found, 4 stopped by an operator, 5 engine/AWS unreachable, 6 --timeout reached, 130 interrupted.

Examples:
  glidepath deploy --strategy Canary10Percent5Minutes --function orders --alias live --target 8 --wait
  glidepath deploy --strategy '{"steps":[{"setWeight":5},{"bake":"10m"},{"approval":{}},{"setWeight":100}]}' \\
      --function orders --alias live --target 8 --alarm orders-5xx
  glidepath deploy --appspec appspec.yaml --strategy Linear10PercentEvery1Minute --local --wait
  glidepath deploy --template template.yaml --function OrdersFunction --function-name orders-prod --target 8`,
  );
  command.action(async (options: DeployOptions) => {
    ctx.exitCode = await deploy(options, ctx.io);
  });
}

/** What a caller of `deploy` may want to know besides the exit code (the GitHub Action's report). */
export interface DeployObserver {
  started?(started: Started): void;
  ended?(snapshot: DeploymentSnapshot): void;
  failed?(error: unknown): void;
}

export async function deploy(options: DeployOptions, io: CliIO, observer: DeployObserver = {}): Promise<number> {
  const json = wantsJson(options);
  let target: Target | undefined;
  try {
    const mode = outputMode(options);
    const speed = parseSpeed(options.speed);
    const timeoutMs = parseDurationMs('--timeout', options.timeout);
    const intervalMs = parseIntervalMs(options.interval);
    const { request, warnings } = buildDeployRequest(options, io);
    for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
    const { speed: _speed, ...targetFlags } = options;
    target = await resolveTarget({ ...targetFlags, startEngine: true, ...(speed === undefined ? {} : { speed }) }, io);
    let wait = options.wait === true;
    if (target.kind === 'embedded' && !wait) {
      io.stderr.write('glidepath: the local engine lives only as long as this command: waiting for the deployment to end (as with --wait)\n');
      wait = true;
    }
    const started = await startRequest(target, request);
    observer.started?.(started);
    if (!wait) {
      if (mode === 'json') {
        io.stdout.write(`${JSON.stringify({ ...started, target: target.description }, null, 2)}\n`);
      } else {
        io.stdout.write(describeStart(started, io));
        io.stdout.write(followHint(target, started.deploymentId));
      }
      return EXIT_CODES.ok;
    }
    if (mode === 'human') io.stdout.write(describeStart(started, io));
    const final = await followUntilDone(target, started.deploymentId, displayFor(io, mode), io, {
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(intervalMs === undefined ? {} : { intervalMs }),
    });
    observer.ended?.(final.snapshot);
    if (final.interrupted) {
      if (mode === 'human') io.stderr.write(`stopped watching (the deployment goes on). ${followHint(target, started.deploymentId)}`);
      return 130;
    }
    if (!final.snapshot.done && mode === 'human') io.stderr.write(`--timeout reached; the deployment goes on. ${followHint(target, started.deploymentId)}`);
    return exitCodeForStatus(final.snapshot.done ? final.snapshot.status : 'InProgress');
  } catch (error) {
    observer.failed?.(error);
    return failWith(io, error, json);
  } finally {
    await target?.close();
  }
}
