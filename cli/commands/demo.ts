/**
 * `glidepath demo` (`npm start`): two real deployments on a local engine, start to finish, in
 * under a minute. The scenario lives in cli/demo/.
 */
import type { Command } from 'commander';
import { usageError, type CliContext } from '../context.ts';
import { failWith } from '../exit-codes.ts';
import { addOutputOption, outputMode, parseSpeed, wantsJson, type CommonFlags } from '../options.ts';

interface DemoOptions extends CommonFlags {
  speed?: string;
  rate?: string;
}

export function register(program: Command, ctx: CliContext): void {
  const command = program
    .command('demo')
    .description('a guided run on the local engine: a canary that succeeds, then a faulty version caught by an alarm and rolled back')
    .option('--speed <x>', 'simulated seconds per real second (default 40)')
    .option('--rate <n>', 'invocations per second of the traffic generator (default 40)');
  addOutputOption(command);
  command.action(async (options: DemoOptions) => {
    try {
      const mode = outputMode(options);
      const speed = parseSpeed(options.speed);
      const rate = parseSpeed(options.rate);
      // The demo is there to be watched: its clock runs at a speed, never virtual time.
      if (speed === 'max') throw usageError('--speed', 'the demo runs at a watchable speed: give a number (default 40)');
      if (rate === 'max') throw usageError('--rate', 'must be a number of invocations per second');
      const { runDemo } = await import('../demo/run.ts');
      ctx.exitCode = await runDemo(ctx.io, { mode, ...(speed === undefined ? {} : { speed }), ...(rate === undefined ? {} : { rate }) });
    } catch (error) {
      ctx.exitCode = failWith(ctx.io, error, wantsJson(options));
    }
  });
}
