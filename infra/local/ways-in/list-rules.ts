/**
 * EventBridge ListRules (botocore events/2015-10-07): the rules in force, as CloudFormation
 * would have named them (`<stack>-<LogicalId>`), filtered by bus and name prefix, paged by Limit.
 */
import { ServiceError } from '../endpoint/errors.ts';
import { validate } from '../endpoint/validation.ts';
import type { Rule } from './rules.ts';

export const LOCAL_STACK_NAME = 'glidepath-local';

export function ruleName(rule: Rule): string {
  return `${LOCAL_STACK_NAME}-${rule.logicalId}`.slice(0, 64);
}

export function listRules(rules: Rule[], input: Record<string, unknown>, account: { region: string; accountId: string }): Record<string, unknown> {
  validate([
    ['namePrefix', input.NamePrefix, { type: 'string', minLength: 1, maxLength: 64, pattern: '[\\.\\-_A-Za-z0-9]+' }],
    ['eventBusName', input.EventBusName, { type: 'string', minLength: 1, maxLength: 1600 }],
    ['limit', input.Limit, { type: 'integer', min: 1, max: 100 }],
    ['nextToken', input.NextToken, { type: 'string', minLength: 1, maxLength: 2048 }],
  ]);
  const bus = String(input.EventBusName ?? 'default').split('/').pop()!;
  const prefix = (input.NamePrefix as string | undefined) ?? '';
  const matching = rules
    .filter((r) => r.eventBusName === bus && ruleName(r).startsWith(prefix))
    .sort((a, b) => (ruleName(a) < ruleName(b) ? -1 : 1));
  let start = 0;
  if (input.NextToken !== undefined) {
    const match = /^rules:(\d+)$/.exec(Buffer.from(String(input.NextToken), 'base64url').toString('utf8'));
    if (!match) throw new ServiceError('ValidationException', 'The nextToken provided is invalid.');
    start = Number(match[1]);
  }
  const limit = (input.Limit as number | undefined) ?? 100;
  const page = matching.slice(start, start + limit);
  const arnBus = bus === 'default' ? '' : `${bus}/`;
  return {
    Rules: page.map((r) => ({
      Name: ruleName(r),
      Arn: `arn:aws:events:${account.region}:${account.accountId}:rule/${arnBus}${ruleName(r)}`,
      EventPattern: JSON.stringify(r.pattern),
      State: r.enabled ? 'ENABLED' : 'DISABLED',
      EventBusName: bus,
    })),
    ...(start + limit < matching.length ? { NextToken: Buffer.from(`rules:${start + limit}`).toString('base64url') } : {}),
  };
}
