/**
 * Deployment ids: `gp-` + the start time (ms, 10 characters of Crockford base32) + 10 random
 * characters. Lower-case Crockford digits sort in ASCII order, so ids sort by start time; the
 * id is also the Step Functions execution name (at most 80 of `[a-zA-Z0-9_-]`).
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
export const DEPLOYMENT_ID_PATTERN = /^gp-[0-9a-hjkmnp-tv-z]{20}$/;

function encodeTime(ms: number): string {
  let out = '';
  let value = Math.floor(ms);
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

export function newDeploymentId(nowMs: number = Date.now()): string {
  const random = [...randomBytes(10)].map((b) => ALPHABET[b % 32]).join('');
  return `gp-${encodeTime(nowMs)}${random}`;
}

/** The time encoded in an id made by `newDeploymentId` (undefined for other ids). */
export function deploymentIdTime(id: string): number | undefined {
  if (!DEPLOYMENT_ID_PATTERN.test(id)) return undefined;
  return [...id.slice(3, 13)].reduce((acc, ch) => acc * 32 + ALPHABET.indexOf(ch), 0);
}
