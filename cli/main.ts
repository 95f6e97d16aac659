/**
 * The `glidepath` command. `main(argv)` returns the exit code and never exits the process, so it
 * runs the same from cli/bin.mjs and from tests.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.ts';
import { defaultIO, EXIT, reportError, type CliContext, type CliIO } from './context.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('glidepath')
    .description('Progressive delivery for AWS Lambda: canary, linear and custom traffic shifting with hooks, alarms and rollback.')
    .version(version())
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
      // Usage errors stay on one line (commander puts its suggestion on a second one).
      outputError: (text, write) => write(`${text.trimEnd().replace(/\s*\n\s*/g, ' ')}\n`),
    });
  for (const register of COMMANDS) register(program, ctx);
  // Sub-commands inherit output and exit handling.
  for (const command of program.commands) {
    command.exitOverride().configureOutput(program.configureOutput());
  }
  return program;
}

/** Runs the CLI on `argv` as process.argv gives it (node, script, …args); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIO = defaultIO()): Promise<number> {
  const ctx: CliContext = { io, exitCode: EXIT.ok };
  const program = buildProgram(ctx);
  if (argv.length <= 2) {
    program.outputHelp();
    return EXIT.invalidInput;
  }
  try {
    await program.parseAsync([...argv], { from: 'node' });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with exit code 0; usage errors (already printed by commander) with 2.
      return error.exitCode === 0 ? EXIT.ok : EXIT.invalidInput;
    }
    return reportError(io, error, false);
  }
}
