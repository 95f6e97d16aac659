/**
 * The controller moves aliases of its own account and region only. Where that is: the account and
 * region of its state machine's execution (the ARN Prepare receives as `execution.Id`). A function
 * named by a full ARN (`arn:<partition>:lambda:<region>:<account>:function:<name>`) or a partial
 * one (`<account>:function:<name>`) of another account or region is refused: Lambda would be asked
 * for the controller's own function of that name, and its alias moved instead. A bare name is the
 * controller's own. So within a controller a function's bare name is unique, which is what the
 * alias's lock key (`LOCK#<name>#<alias>`) relies on.
 */
import { ruleViolation } from './describe.ts';
import type { ValidationError } from './errors.ts';

export interface Home {
  partition: string;
  region: string;
  account: string;
}

/** The partition, region and account of an ARN such as an execution's, or undefined when it is none. */
export function homeOf(arn: string | undefined): Home | undefined {
  const parts = arn?.split(':') ?? [];
  if (parts.length < 6 || parts[0] !== 'arn' || !parts[3] || !/^\d{12}$/.test(parts[4]!)) return undefined;
  return { partition: parts[1]!, region: parts[3]!, account: parts[4]! };
}

/** The refusal of `functionName` when it names a function outside `home`; undefined when it is home's (or a bare name). */
export function foreignFunction(functionName: string, home: Home | undefined): ValidationError | undefined {
  if (!home) return undefined;
  const parts = functionName.split(':');
  const fn = parts.indexOf('function');
  if (fn < 0) return undefined;
  const named = fn >= 5 && parts[0] === 'arn' ? { partition: parts[1], region: parts[3], account: parts[4] } : fn === 1 ? { account: parts[0] } : {};
  const foreign =
    (named.account !== undefined && named.account !== home.account) ||
    (named.region !== undefined && named.region !== home.region) ||
    (named.partition !== undefined && named.partition !== home.partition);
  if (!foreign) return undefined;
  const where = named.partition !== undefined && named.partition !== home.partition ? `partition ${named.partition}` : `${named.account}/${named.region ?? home.region}`;
  return ruleViolation('INVALID_REQUEST', 'functionName', `must be in the controller's account and region, ${home.account}/${home.region} (it names ${where})`);
}
