/**
 * Hook execution ids: the capability a hook presents when it reports. Random, single-use and
 * unguessable (128 bits from the OS's CSPRNG); the Step Functions task token they stand for never
 * leaves Glidepath.
 */
import { randomBytes } from 'node:crypto';

/** Bytes of randomness in an execution id. */
export const EXECUTION_ID_BYTES = 16;
/** 16 bytes in base64url without padding. */
export const EXECUTION_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export function newExecutionId(random: (size: number) => Buffer = randomBytes): string {
  return random(EXECUTION_ID_BYTES).toString('base64url');
}

/** True when the value could be an id Glidepath issued (a cheap check before any table read). */
export function isExecutionId(value: unknown): value is string {
  return typeof value === 'string' && EXECUTION_ID_PATTERN.test(value);
}
