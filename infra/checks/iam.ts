/**
 * IAM rules of the template: every Action is a literal `service:Operation` (no `*`, no `?`, never a
 * parameter or another intrinsic), no NotAction, no managed policies by name on SAM resources, and
 * `Resource: "*"` only for actions that have no resource-level permissions.
 */
import { intrinsicName, isDict, walk, type Dict, type Template } from './template.ts';

/**
 * Actions that may be granted on `"*"`, and why: each supports no resource-level permission for
 * what Glidepath does with it.
 */
export const RESOURCE_STAR_ACTIONS: Record<string, string> = {
  'cloudwatch:DescribeAlarms': 'composite alarms can only be read with "*" (DescribeAlarms API reference); alarm names arrive with each request',
  'cloudwatch:GetMetricData': 'GetMetricData has no resource-level permissions',
  'logs:CreateLogDelivery': 'Step Functions log delivery (cw-logs.html): no resource-level permissions',
  'logs:GetLogDelivery': 'Step Functions log delivery (cw-logs.html): no resource-level permissions',
  'logs:UpdateLogDelivery': 'Step Functions log delivery (cw-logs.html): no resource-level permissions',
  'logs:DeleteLogDelivery': 'Step Functions log delivery (cw-logs.html): no resource-level permissions',
  'logs:ListLogDeliveries': 'Step Functions log delivery (cw-logs.html): no resource-level permissions',
  'logs:PutResourcePolicy': 'Step Functions log delivery (cw-logs.html): no resource-level permissions',
  'logs:DescribeResourcePolicies': 'Step Functions log delivery (cw-logs.html): no resource-level permissions',
  'logs:DescribeLogGroups': 'Step Functions log delivery (cw-logs.html): no resource-level permissions',
};

const ACTION = /^[a-z0-9-]+:[A-Za-z0-9]+$/;

export interface StatementAt {
  /** The logical id of the resource that holds the policy. */
  owner: string;
  path: string;
  statement: Dict;
}

/** Policy documents of SAM `Policies`, `AWS::IAM::Role` / `Policy` / `ManagedPolicy` resources. */
export function policyStatements(template: Template): StatementAt[] {
  const found: StatementAt[] = [];
  const fromDocument = (owner: string, path: string, document: unknown) => {
    if (!isDict(document)) return;
    const statements = document.Statement;
    [statements].flat().forEach((statement, i) => {
      if (isDict(statement)) found.push({ owner, path: `${path}.Statement[${i}]`, statement });
    });
  };
  for (const [id, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    const base = `Resources.${id}.Properties`;
    if (resource.Type.startsWith('AWS::Serverless::') && props.Policies !== undefined) {
      [props.Policies].flat().forEach((policy, i) => fromDocument(id, `${base}.Policies[${i}]`, policy));
    }
    if (resource.Type === 'AWS::IAM::Role' && Array.isArray(props.Policies)) {
      props.Policies.forEach((policy, i) => isDict(policy) && fromDocument(id, `${base}.Policies[${i}].PolicyDocument`, policy.PolicyDocument));
    }
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      fromDocument(id, `${base}.PolicyDocument`, props.PolicyDocument);
    }
  }
  return found;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

export function checkIamActions(template: Template): string[] {
  const problems: string[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (!resource.Type.startsWith('AWS::Serverless::')) continue;
    [resource.Properties?.Policies ?? []].flat().forEach((policy, i) => {
      if (!isDict(policy)) {
        problems.push(`Resources.${id}.Properties.Policies[${i}]: ${JSON.stringify(policy)} is a managed policy or policy template; write the statements out`);
      } else if (!('Statement' in policy)) {
        problems.push(`Resources.${id}.Properties.Policies[${i}]: a SAM policy template; write the statements out`);
      }
    });
  }
  for (const { path, statement } of policyStatements(template)) {
    if ('NotAction' in statement) problems.push(`${path}.NotAction: grants everything else; list the actions`);
    if ('NotResource' in statement) problems.push(`${path}.NotResource: list the resources`);
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') problems.push(`${path}.Effect: must be Allow or Deny`);
    if (!('Action' in statement)) {
      problems.push(`${path}: no Action`);
      continue;
    }
    if (intrinsicName(statement.Action)) {
      problems.push(`${path}.Action: must be literal, not ${intrinsicName(statement.Action)}`);
      continue;
    }
    const actions = asList(statement.Action);
    const literal: string[] = [];
    actions.forEach((action, i) => {
      const at = `${path}.Action${Array.isArray(statement.Action) ? `[${i}]` : ''}`;
      if (typeof action !== 'string') return problems.push(`${at}: must be a literal string, got ${JSON.stringify(action)}`);
      if (action.includes('*') || action.includes('?')) return problems.push(`${at}: ${action} is a wildcard; name each action`);
      if (!ACTION.test(action)) return problems.push(`${at}: ${action} is not service:Operation`);
      literal.push(action);
    });
    let hasStar = false;
    walk(statement.Resource, '', (value) => {
      if (value === '*') hasStar = true;
    });
    if (statement.Effect === 'Allow' && hasStar) {
      const scoped = literal.filter((action) => !(action in RESOURCE_STAR_ACTIONS));
      if (scoped.length) problems.push(`${path}.Resource: "*" for ${scoped.join(', ')}, which can be scoped to resources`);
    }
    if (!('Resource' in statement) && statement.Effect === 'Allow' && !('Principal' in statement)) problems.push(`${path}: no Resource`);
  }
  return problems;
}

/** The actions each resource's policies allow (sorted), for the note and the code comparison. */
export function allowedActionsByOwner(template: Template): Map<string, string[]> {
  const byOwner = new Map<string, Set<string>>();
  for (const { owner, statement } of policyStatements(template)) {
    if (statement.Effect !== 'Allow') continue;
    const set = byOwner.get(owner) ?? new Set<string>();
    for (const action of asList(statement.Action)) if (typeof action === 'string') set.add(action);
    byOwner.set(owner, set);
  }
  return new Map([...byOwner].map(([owner, set]) => [owner, [...set].sort()]));
}
