/**
 * Names of a scheduled promotion (`glidepath promote --at`): the Scheduler expression, the schedule's
 * name and the idempotence token of its creation. The adapter (shared/aws/schedules.ts) sends them.
 */
import { createHash } from 'node:crypto';

const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, rounded up to the second. */
export function atExpression(at: number): string {
  return `at(${new Date(Math.ceil(at / 1000) * 1000).toISOString().slice(0, 19)})`;
}

/** `glidepath-promote-<id>-<yyyymmddThhmmss>`: within Scheduler's 64 characters of [0-9a-zA-Z-_.]. */
export function promotionScheduleName(deploymentId: string, at: number): string {
  const stamp = new Date(Math.ceil(at / 1000) * 1000).toISOString().slice(0, 19).replace(/[-:]/g, '');
  const name = `glidepath-promote-${deploymentId}-${stamp}`.replace(/[^0-9a-zA-Z\-_.]/g, '-');
  if (name.length <= 64) return name;
  return `glidepath-promote-${sha256Hex(name).slice(0, 12)}-${stamp}`;
}

/** The same promotion asked twice is one schedule: Scheduler's ClientToken (at most 64 characters). */
export function promotionClientToken(name: string, input: unknown): string {
  return sha256Hex(`${name}/${JSON.stringify(input)}`).slice(0, 64);
}
