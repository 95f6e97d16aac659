/**
 * Exit codes of the `glidepath` command, chosen for CI (README: "Exit codes"). The first three are
 * `EXIT` of context.ts; the rest say *why* a command did not succeed, so a pipeline can tell a
 * rolled-back deployment from a typo or an unreachable engine.
 */
import { GlidepathError, ValidationError } from '../shared/core/errors.ts';
import type { DeploymentStatus } from '../shared/core/model/record.ts';
import { EXIT, reportError, type CliIO } from './context.ts';

export const EXIT_CODES = {
  ...EXIT,
  /** No such deployment, stack or state machine. */
  notFound: 3,
  /** The deployment was stopped by an operator (`abort`): rolled back, not failed by a check. */
  stopped: 4,
  /** The engine or AWS could not be reached (connection refused, no credentials, …). */
  unreachable: 5,
  /** `--wait`/`--watch` gave up after `--timeout` while the deployment was still running. */
  timeout: 6,
} as const;

/** An error of the CLI itself (not of the domain) that carries its exit code. */
export class CliFailure extends GlidepathError {
  constructor(
    readonly exitCode: number,
    message: string,
    code: ConstructorParameters<typeof GlidepathError>[0] = 'INTERNAL_ERROR',
    options: { field?: string; cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}

const NOT_FOUND_NAMES = new Set(['ExecutionDoesNotExist', 'StateMachineDoesNotExist', 'ResourceNotFoundException']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN']);
const CREDENTIAL_NAMES = new Set(['CredentialsProviderError', 'ExpiredTokenException', 'UnrecognizedClientException', 'InvalidSignatureException']);

function connectionCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return code;
    const errors = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The exit code an error stands for. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CliFailure) return error.exitCode;
  if (error instanceof ValidationError) return EXIT_CODES.invalidInput;
  if (error instanceof GlidepathError) {
    if (error.code === 'DEPLOYMENT_NOT_FOUND') return EXIT_CODES.notFound;
    if (error.code === 'INVALID_CONTROL_ACTION' || error.code === 'INVALID_REQUEST') return EXIT_CODES.invalidInput;
    // An adapter's wrapping of an SDK error (shared/aws/sdk-errors.ts): the SDK error says why.
    if (error.code === 'INTERNAL_ERROR' && error.cause !== undefined) return exitCodeFor(error.cause);
    return EXIT_CODES.failed;
  }
  const name = (error as { name?: string } | undefined)?.name ?? '';
  if (NOT_FOUND_NAMES.has(name)) return EXIT_CODES.notFound;
  if (CREDENTIAL_NAMES.has(name) || connectionCode(error) !== undefined) return EXIT_CODES.unreachable;
  return EXIT_CODES.failed;
}

/** Turns a connection failure into a message that says what could not be reached. */
export function explainUnreachable(error: unknown, where: string): unknown {
  const code = connectionCode(error);
  if (code === undefined) return error;
  return new CliFailure(EXIT_CODES.unreachable, `cannot reach ${where} (${code})`, 'INTERNAL_ERROR', { cause: error });
}

/** Prints the error as every command does (context.ts) and returns its exit code. */
export function failWith(io: CliIO, error: unknown, json: boolean): number {
  reportError(io, error, json);
  return exitCodeFor(error);
}

/** The exit code of a deployment that ended with `status` (running: the `--wait` timeout). */
export function exitCodeForStatus(status: DeploymentStatus | 'Unknown'): number {
  switch (status) {
    case 'Succeeded':
      return EXIT_CODES.ok;
    case 'Stopped':
      return EXIT_CODES.stopped;
    case 'Created':
    case 'InProgress':
    case 'Paused':
      return EXIT_CODES.timeout;
    default:
      return EXIT_CODES.failed;
  }
}
