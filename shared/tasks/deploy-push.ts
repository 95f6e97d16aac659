/**
 * A push deploys its groups: read the S3 or ECR event, find the groups whose sources
 * match it (none: the event is ignored, with the reason), and for each group — once per artifact,
 * claimed in the table — put the new code on the function, wait for Lambda to finish the update,
 * publish a version that names the artifact, and start a deployment of that version.
 */
import { GlidepathError, isGlidepathError } from '../core/errors.ts';
import type { Clock } from '../core/ports/clock.ts';
import type { DeploymentStarter } from '../core/ports/deployment-starter.ts';
import type { FunctionPublisher } from '../core/ports/function-publisher.ts';
import type { GroupStore } from '../core/ports/group-store.ts';
import type { Log } from '../core/ports/log.ts';
import type { TriggerClaims } from '../core/ports/trigger-claims.ts';
import type { DeploymentGroup } from '../core/model/group.ts';
import { groupRequest } from '../core/groups.ts';
import { artifactIdentity, codeLocation, describeArtifact, readEvent, versionDescription, type Artifact } from '../core/triggers/artifact.ts';
import { matchingGroups, whyNoMatch } from '../core/triggers/match.ts';
import { executionName } from '../core/execution-name.ts';

export interface TriggerPorts {
  groups: GroupStore;
  claims: TriggerClaims;
  publisher: FunctionPublisher;
  starter: DeploymentStarter;
  clock: Clock;
  log: Log;
  /** How long a claim holds before another try may take it over (default 900 s: the function's timeout). */
  leaseSeconds?: number;
  /** How long to wait for Lambda's code update (default 300 s). */
  updateTimeoutSeconds?: number;
}

export interface GroupOutcome {
  group: string;
  status: 'started' | 'duplicate' | 'failed';
  deploymentId?: string;
  version?: string;
  error?: { code: string; message: string };
}

export interface PushOutcome {
  artifact?: string;
  ignored?: string;
  deployments: GroupOutcome[];
}

/** Worth another try of the whole event (Lambda retries an async invocation that throws). */
function retryable(error: unknown): boolean {
  if (!isGlidepathError(error)) return true;
  if (error.code === 'THROTTLED') return true;
  if (error.code !== 'INTERNAL_ERROR') return false;
  return (error.cause as { $fault?: string } | undefined)?.$fault !== 'client';
}

async function deployGroup(group: DeploymentGroup, artifact: Artifact, deps: TriggerPorts): Promise<GroupOutcome> {
  const identity = artifactIdentity(artifact);
  const key = `${identity}#${group.name}`;
  const described = describeArtifact(artifact);
  const at = deps.clock.now();
  const claim = await deps.claims.claim({
    key,
    group: group.name,
    artifact: described,
    executionName: executionName(at, key),
    now: at,
    leaseSeconds: deps.leaseSeconds ?? 900,
  });
  if ('duplicate' in claim) {
    const d = claim.duplicate;
    deps.log.info('push already handled: no new deployment', { group: group.name, artifact: described, status: d.status, deploymentId: d.deploymentId });
    return { group: group.name, status: 'duplicate', ...(d.deploymentId ? { deploymentId: d.deploymentId } : {}), ...(d.version ? { version: d.version } : {}) };
  }
  try {
    const updated = await deps.publisher.updateCode(group.function, codeLocation(artifact));
    await deps.publisher.waitForUpdate(group.function, { timeoutSeconds: deps.updateTimeoutSeconds ?? 300 });
    const version = await deps.publisher.publishVersion(group.function, updated.codeSha256, versionDescription(artifact));
    const request = groupRequest(group, { targetVersion: version, description: `${described} (deployment group ${group.name})` });
    const started = await deps.starter.start(claim.claimed.executionName, request);
    await deps.claims.settle(key, { status: 'started', executionArn: started.executionArn, deploymentId: started.deploymentId, version });
    deps.log.info('deployment started by a push', { group: group.name, artifact: described, function: group.function, version, deploymentId: started.deploymentId });
    return { group: group.name, status: 'started', deploymentId: started.deploymentId, version };
  } catch (error) {
    const summary = isGlidepathError(error) ? { code: error.code, message: error.message } : { code: 'INTERNAL_ERROR', message: String(error) };
    await deps.claims.settle(key, { status: 'failed', error: `${summary.code}: ${summary.message}` }).catch(() => undefined);
    deps.log.error('push could not be deployed', { group: group.name, artifact: described, code: summary.code, error: summary.message });
    if (retryable(error)) throw error;
    return { group: group.name, status: 'failed', error: summary };
  }
}

export async function deployPush(event: unknown, deps: TriggerPorts): Promise<PushOutcome> {
  const read = readEvent(event);
  if ('ignored' in read) {
    deps.log.warn('event ignored', { reason: read.ignored });
    return { ignored: read.ignored, deployments: [] };
  }
  const { artifact } = read;
  const described = describeArtifact(artifact);
  const groups = await deps.groups.list();
  const matched = matchingGroups(groups, artifact);
  if (matched.length === 0) {
    const reason = whyNoMatch(groups, artifact);
    deps.log.warn('push ignored', { artifact: described, reason });
    return { artifact: described, ignored: reason, deployments: [] };
  }
  const deployments: GroupOutcome[] = [];
  let retry: unknown;
  // One group after another: two groups of one function must not update its code at once.
  for (const group of matched) {
    try {
      deployments.push(await deployGroup(group, artifact, deps));
    } catch (error) {
      retry ??= error;
      deployments.push({ group: group.name, status: 'failed', error: { code: (error as GlidepathError).code ?? 'INTERNAL_ERROR', message: String((error as Error).message) } });
    }
  }
  if (retry) throw retry;
  return { artifact: described, deployments };
}
