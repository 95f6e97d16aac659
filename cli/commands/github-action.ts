/**
 * `glidepath github-action`: what the GitHub Action (action.yml) runs. Reads the inputs from
 * `INPUT_*` (cli/github/inputs.ts), runs `deploy` with them, then writes the step's outputs
 * (`deployment-id`, `status`, `error-code`) to `$GITHUB_OUTPUT` and a Markdown report to
 * `$GITHUB_STEP_SUMMARY` (cli/github/summary.ts). The exit code is `deploy`'s.
 */
import { appendFileSync } from 'node:fs';
import type { Command } from 'commander';
import { GlidepathError } from '../../shared/core/errors.ts';
import type { CliContext, CliIO } from '../context.ts';
import { failWith } from '../exit-codes.ts';
import { readActionInputs } from '../github/inputs.ts';
import { renderSummary, type SummaryInput } from '../github/summary.ts';
import type { DeploymentSnapshot } from '../snapshot.ts';
import { deploy, type Started } from './deploy.ts';

/** A workflow command's message: `%`, CR and LF escaped as the runner reads them. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function errorOf(error: unknown): { code: string; message: string } {
  if (error instanceof GlidepathError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL_ERROR', message: error instanceof Error ? error.message : String(error) };
}

export async function runAction(io: CliIO): Promise<number> {
  let started: Started | undefined;
  let snapshot: DeploymentSnapshot | undefined;
  let failure: { code: string; message: string } | undefined;
  let code: number;
  try {
    const { flags } = readActionInputs(io.env);
    code = await deploy(flags, io, {
      started: (s) => (started = s),
      ended: (s) => (snapshot = s),
      failed: (error) => (failure = errorOf(error)),
    });
  } catch (error) {
    failure = errorOf(error);
    code = failWith(io, error, false);
  }
  const status = snapshot?.status ?? (started ? 'InProgress' : 'Rejected');
  const errorCode = snapshot?.error?.code ?? failure?.code ?? '';
  if (code !== 0) {
    const message = snapshot?.error ? `${snapshot.error.code}: ${snapshot.error.message}` : (failure?.message ?? `deployment ${status}`);
    io.stdout.write(`::error title=Glidepath ${status}::${escapeData(message)}\n`);
  }
  const outputFile = io.env.GITHUB_OUTPUT;
  if (outputFile) {
    const id = snapshot?.id ?? started?.deploymentId ?? '';
    appendFileSync(outputFile, `deployment-id=${id}\nstatus=${status}\nerror-code=${errorCode}\n`);
  }
  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) {
    const input: SummaryInput = { exitCode: code };
    if (started) Object.assign(input, { deploymentId: started.deploymentId, request: started.request });
    if (snapshot) input.snapshot = snapshot;
    if (failure) input.error = failure;
    appendFileSync(summaryFile, renderSummary(input));
  }
  return code;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('github-action')
    .description('run as the GitHub Action: deploy from the INPUT_* variables, write $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY')
    .addHelpText('after', '\nUsed by action.yml; see docs/ci.md. The exit code is the one `deploy` gives.')
    .action(async () => {
      ctx.exitCode = await runAction(ctx.io);
    });
}
