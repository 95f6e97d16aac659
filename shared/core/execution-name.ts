/**
 * Execution names for deployments started by a trigger or the bridge, in the CLI's id format
 * (cli/deployment-id.ts: `gp-` + the time in 10 lower-case Crockford base32 digits + 10 more), so
 * they sort by time with the others. The last 10 come from a hash of what started the deployment,
 * not from chance, so a retried start names the same execution (Step Functions answers a second
 * StartExecution of the same name and input with the first execution).
 */
import { createHash } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function encodeTime(ms: number): string {
  let out = '';
  let value = Math.max(0, Math.floor(ms));
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

/** `gp-<time><10 characters of the seed's hash>`. */
export function executionName(at: number, seed: string): string {
  const hash = createHash('sha256').update(seed).digest();
  const tail = [...hash.subarray(0, 10)].map((b) => ALPHABET[b % 32]).join('');
  return `gp-${encodeTime(at)}${tail}`;
}
