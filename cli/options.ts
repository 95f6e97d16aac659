/** Flag parsing shared by the commands: `--output`, `--speed`, `--timeout`, `--interval`, and the files flags name. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { durationToSeconds, DURATION_PATTERN } from '../shared/core/model/durations.ts';
import { usageError, type CliIO } from './context.ts';
import type { OutputMode } from './view/display.ts';

export interface CommonFlags {
  output?: string;
  json?: boolean;
}

export function addOutputOption(command: Command): Command {
  return command.option('--output <format>', 'human (default; live on a terminal) or json').option('--json', 'same as --output json');
}

export function outputMode(flags: CommonFlags): OutputMode {
  if (flags.json === true) return 'json';
  const value = flags.output ?? 'human';
  if (value === 'human' || value === 'text') return 'human';
  if (value === 'json') return 'json';
  throw usageError('--output', `must be human or json, got ${value}`);
}

/** `--output json` was asked for, read without throwing (to format an early error). */
export function wantsJson(flags: CommonFlags): boolean {
  return flags.json === true || flags.output === 'json';
}

/** `--speed`: simulated seconds per real second, or `max` (virtual time: the clock jumps over waits when nothing runs). */
export function parseSpeed(value: string | undefined): number | 'max' | undefined {
  if (value === undefined) return undefined;
  if (value === 'max') return 'max';
  const speed = Number(value);
  if (!Number.isFinite(speed) || speed <= 0) throw usageError('--speed', `must be a positive number (simulated seconds per real second) or max, got ${value}`);
  return speed;
}

/** A duration flag (`90s`, `5m`, `1h`, or seconds) in milliseconds. */
export function parseDurationMs(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  if (trimmed === '' || !DURATION_PATTERN.test(trimmed)) throw usageError(flag, `must be a duration such as 90s, 5m or 1h, got ${value}`);
  return durationToSeconds(trimmed) * 1000;
}

export function parseIntervalMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 10) throw usageError('--interval', `must be a number of milliseconds of at least 10, got ${value}`);
  return ms;
}

/** The text of the file `flag` names (relative to the working directory); a usage error when it cannot be read. */
export function readFlagFile(io: CliIO, flag: string, file: string): string {
  try {
    return readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw usageError(flag, `cannot read ${file} (${reason})`);
  }
}

/** Collects a repeatable option into a list. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
