/**
 * `glidepath local up [--port N] [--speed X]`: runs the local engine until SIGINT or
 * SIGTERM. Prints, one per line, the `export` lines a shell (or any AWS SDK / the AWS CLI) needs
 * to reach it, and leaves a state file (.glidepath/local.json) so `--local` commands find it.
 */
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { usageError, type CliContext, type CliIO } from '../context.ts';
import { EXIT_CODES, failWith } from '../exit-codes.ts';
import { removeLocalState, stateFilePath, writeLocalState } from '../local-state.ts';
import { addOutputOption, outputMode, parseSpeed, wantsJson, type CommonFlags } from '../options.ts';
import { DEFAULT_LOCAL_SPEED } from '../target.ts';

interface LocalUpOptions extends CommonFlags {
  port?: string;
  speed?: string;
  region?: string;
  logLevel?: string;
}

/** The order a reader expects: the endpoint, the per-service endpoints, region, credentials, names. */
export function exportLines(env: Record<string, string>): string[] {
  const rank = (key: string) =>
    key === 'AWS_ENDPOINT_URL' ? 0 : key.startsWith('AWS_ENDPOINT_URL_') ? 1 : key.includes('REGION') ? 2 : key.startsWith('AWS_') ? 3 : 4;
  const keys = Object.keys(env).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return keys.map((key) => `export ${key}=${env[key]}`);
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('--port', `must be a port number from 0 to 65535, got ${value}`);
  return port;
}

export function register(program: Command, ctx: CliContext): void {
  const local = program.command('local').description('the local engine: Glidepath without an AWS account');
  const up = local
    .command('up')
    .description('start the local engine and serve until Ctrl-C; prints the environment that points SDKs and the AWS CLI at it')
    .option('--port <n>', 'port of the loopback endpoint (default: a free port)')
    .option('--speed <x>', `simulated seconds per real second (default ${DEFAULT_LOCAL_SPEED}: a 5-minute bake takes 5 s; 1 = real time)`)
    .option('--region <region>', 'region the engine answers as (default us-east-1)')
    .option('--log-level <level>', 'log level of the controller functions (default ERROR)');
  addOutputOption(up);
  up.addHelpText(
    'after',
    `
Use it from another shell:
  glidepath local up --port 4010 > .glidepath/env &   # or run it in its own terminal
  source .glidepath/env                              # AWS_ENDPOINT_URL…, AWS_REGION, credentials, GLIDEPATH_*
  aws lambda list-functions                          # the AWS CLI and SDKs now talk to the engine
  glidepath deploy --local --strategy Canary10Percent5Minutes --function f --alias live --target 2 --wait`,
  );
  up.exitOverride().configureOutput(program.configureOutput());
  up.action(async (options: LocalUpOptions) => {
    ctx.exitCode = await localUp(options, ctx.io);
  });
}

async function localUp(options: LocalUpOptions, io: CliIO): Promise<number> {
  const json = wantsJson(options);
  try {
    const mode = outputMode(options);
    const port = parsePort(options.port);
    const speed = parseSpeed(options.speed) ?? DEFAULT_LOCAL_SPEED;
    const { startLocalEngine } = await import('../../infra/local/engine.ts');
    const engine = await startLocalEngine({
      port,
      speed,
      ...(options.region ? { region: options.region } : {}),
      ...(options.logLevel ? { logLevel: options.logLevel.toUpperCase() } : {}),
    });
    // Listen for SIGINT/SIGTERM before anything is printed: a reader may signal as soon as it sees the output.
    const stopped = new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        io.stderr.write(`glidepath: ${signal}: stopping the local engine\n`);
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        resolve();
      };
      const onInt = () => stop('SIGINT');
      const onTerm = () => stop('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
    });
    const file = stateFilePath(io);
    // GLIDEPATH_STATE_DIR lets `--local` commands run from any folder find the state file (and the engine's clock).
    const env: Record<string, string> = { ...engine.env, GLIDEPATH_ENGINE: 'local', GLIDEPATH_STATE_DIR: resolve(dirname(file)) };
    writeLocalState(file, {
      version: 1,
      pid: process.pid,
      url: engine.url,
      port: engine.port,
      region: engine.region,
      speed,
      stateMachineArn: engine.stateMachineArn,
      tableName: engine.tableName,
      env,
      startedAt: new Date().toISOString(),
      clock: { simMs: engine.clock.now(), realMs: Date.now() },
    });
    if (mode === 'json') {
      io.stdout.write(`${JSON.stringify({ url: engine.url, port: engine.port, region: engine.region, speed, stateMachineArn: engine.stateMachineArn, tableName: engine.tableName, stateFile: file, env })}\n`);
    } else {
      io.stdout.write(`${exportLines(env).join('\n')}\n`);
    }
    io.stderr.write(
      `glidepath: local engine on ${engine.url} (clock ×${speed}); state machine ${engine.stateMachineArn}\n` +
        `glidepath: state file ${file}; Ctrl-C stops the engine\n`,
    );
    await stopped;
    removeLocalState(file, process.pid);
    await engine.close();
    return EXIT_CODES.ok;
  } catch (error) {
    return failWith(io, error, json);
  }
}
