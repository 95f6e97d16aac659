/**
 * How a deployment's execution is named, for every way in (the CLI, a trigger, the bridge): the
 * deployment id is the execution name, `gp-` + the start time (ms) in 10 lower-case Crockford
 * base32 digits + 10 more characters. Crockford digits sort in ASCII order, so ids sort by start
 * time; a name is at most 80 of `[a-zA-Z0-9_-]`, as Step Functions allows.
 *
 * The last 10 come from a hash of a seed: a trigger or the bridge passes what started the
 * deployment, so a retried start names the same execution (Step Functions answers a second
 * StartExecution of the same name and input with the first execution); the CLI passes a random
 * seed (cli/deployment-id.ts).
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

export const DEPLOYMENT_ID_PATTERN = /^gp-[0-9a-hjkmnp-tv-z]{20}$/;

/** `gp-<time><10 characters of the seed's hash>`. */
export function executionName(at: number, seed: string): string {
  const hash = createHash('sha256').update(seed).digest();
  const tail = [...hash.subarray(0, 10)].map((b) => ALPHABET[b % 32]).join('');
  return `gp-${encodeTime(at)}${tail}`;
}

/** The time encoded in a name made by `executionName` (undefined for other names). */
export function executionNameTime(name: string): number | undefined {
  if (!DEPLOYMENT_ID_PATTERN.test(name)) return undefined;
  return [...name.slice(3, 13)].reduce((acc, ch) => acc * 32 + ALPHABET.indexOf(ch), 0);
}

/** The ARN of the execution `name` of the state machine `stateMachineArn`. */
export function executionArn(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
