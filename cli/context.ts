/**
 * What every command gets: where to write, the environment, and how failures become exit codes
 * and messages. Commands never call process.exit; they set `ctx.exitCode` or throw.
 */
import { GlidepathError, ValidationError } from '../shared/core/errors.ts';

export const EXIT = {
  ok: 0,
  /** The operation ran and did not succeed (for example a deployment that failed). */
  failed: 1,
  /** The input was rejected before anything happened: bad flags, files or values. */
  invalidInput: 2,
} as const;

export interface CliIO {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface CliContext {
  io: CliIO;
  exitCode: number;
}

export function defaultIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** ANSI colour only on a terminal and when NO_COLOR is not set (https://no-color.org). */
export function useColour(io: CliIO): boolean {
  const noColor = io.env.NO_COLOR;
  return io.stdout.isTTY === true && (noColor === undefined || noColor === '');
}

/** A rejection of the command line itself (a missing or conflicting flag): exit code 2. */
export function usageError(field: string, rule: string): ValidationError {
  return new ValidationError('INVALID_REQUEST', field, rule);
}

/**
 * Reports an error the way every command does: one line on stderr naming the field and the rule;
 * with `json`, also `{"error":{code,field,message}}` on stdout. Returns the exit code.
 */
export function reportError(io: CliIO, error: unknown, json: boolean): number {
  const known = error instanceof GlidepathError;
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`error: ${message.split('\n')[0]}\n`);
  if (json) {
    const body = known ? error.toJSON() : { code: 'INTERNAL_ERROR', message };
    io.stdout.write(`${JSON.stringify({ error: body })}\n`);
  }
  return error instanceof ValidationError ? EXIT.invalidInput : EXIT.failed;
}
