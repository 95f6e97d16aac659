/**
 * Deployment groups (shared/core/model/group.ts): validated like a request — the first field that
 * breaks a rule is named with the rule — and turned into a deployment request when something
 * (a push, a schedule) deploys them.
 */
import { groupSchema, type DeploymentGroup } from './model/group.ts';
import { DEPLOYMENT_SETTINGS, type DeploymentRequest } from './model/request.ts';
import { parseRequest, parseWith, REQUEST_UNION_RULES, requestFieldCode } from './validate.ts';
import type { ValidationCode } from './describe.ts';
import { compileStrategy } from './strategies/index.ts';
import { checkWindows } from './windows.ts';
import { ruleViolation } from './describe.ts';

type Path = readonly PropertyKey[];

/** The request's codes for the fields a group shares with it (`function` is the request's `functionName`). */
function groupFieldCode(path: Path): ValidationCode {
  if (path[0] === 'function') return 'INVALID_REVISION';
  if (path[0] === 'alias' || path[0] === 'strategy' || path[0] === 'alarms' || path[0] === 'alarmPolicy') return requestFieldCode(path);
  return 'INVALID_REQUEST';
}

/** A deployment group, or a ValidationError naming the first field that breaks a rule (`sources.s3[0].bucket: …`). */
export function parseGroup(input: unknown): DeploymentGroup {
  const group = parseWith(groupSchema, input, { codeFor: groupFieldCode, unionRules: REQUEST_UNION_RULES, rootField: 'group' });
  compileStrategy(group.strategy);
  checkWindows(group.windows);
  group.sources?.s3?.forEach((source, i) => {
    const seen = group.sources!.s3!.findIndex((s) => s.bucket === source.bucket && s.prefix === source.prefix && s.suffix === source.suffix);
    if (seen !== i) throw ruleViolation('INVALID_REQUEST', `sources.s3[${i}]`, `repeats sources.s3[${seen}]`, source);
  });
  group.sources?.ecr?.forEach((source, i) => {
    const seen = group.sources!.ecr!.findIndex((s) => s.repository === source.repository && s.tagPattern === source.tagPattern);
    if (seen !== i) throw ruleViolation('INVALID_REQUEST', `sources.ecr[${i}]`, `repeats sources.ecr[${seen}]`, source);
  });
  return group;
}

export interface GroupDeployment {
  targetVersion: string;
  currentVersion?: string;
  description?: string;
  codeDeploy?: DeploymentRequest['codeDeploy'];
}

/** The deployment request a group makes for a target version (validated as any request). */
export function groupRequest(group: DeploymentGroup, deployment: GroupDeployment): DeploymentRequest {
  const request: Record<string, unknown> = {
    functionName: group.function,
    alias: group.alias,
    targetVersion: deployment.targetVersion,
  };
  if (deployment.currentVersion !== undefined) request.currentVersion = deployment.currentVersion;
  for (const key of DEPLOYMENT_SETTINGS) {
    if (group[key] !== undefined) request[key] = group[key];
  }
  const description = deployment.description ?? group.description;
  if (description !== undefined) request.description = description.slice(0, 1024);
  if (deployment.codeDeploy) request.codeDeploy = deployment.codeDeploy;
  return parseRequest(request);
}
