/**
 * What the CodeDeploy bridge reads of a CodeDeploy deployment: its AppSpec (GetDeployment, or
 * GetApplicationRevision when the deployment does not carry the content), its create time, and
 * the alarms of its deployment group; and the function's `glidepath:strategy` tag (ListTags).
 */
import {
  GetApplicationRevisionCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  type CodeDeployClient,
  type RevisionLocation,
} from '@aws-sdk/client-codedeploy';
import { ListTagsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { GlidepathError } from '../core/errors.ts';
import { isErrorNamed, toGlidepathError } from './sdk-errors.ts';
import type { CodeDeployDeployment, CodeDeployReader, GroupAlarms } from '../core/ports/codedeploy-reader.ts';

function contentOf(revision: RevisionLocation | undefined): string | undefined {
  return revision?.appSpecContent?.content ?? revision?.string?.content ?? undefined;
}

export async function readCodeDeployDeployment(codedeploy: CodeDeployClient, deploymentId: string): Promise<CodeDeployDeployment> {
  let info;
  try {
    info = (await codedeploy.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo;
  } catch (error) {
    if (isErrorNamed(error, 'DeploymentDoesNotExistException', 'InvalidDeploymentIdException')) {
      throw new GlidepathError('INVALID_REVISION', `CodeDeploy has no deployment ${deploymentId}`, { cause: error });
    }
    throw toGlidepathError(error, `codedeploy:GetDeployment ${deploymentId}`);
  }
  if (!info) throw new GlidepathError('INTERNAL_ERROR', `codedeploy:GetDeployment ${deploymentId} answered without deploymentInfo`);
  let appSpec = contentOf(info.revision);
  if (appSpec === undefined && info.applicationName && info.revision) {
    try {
      const out = await codedeploy.send(new GetApplicationRevisionCommand({ applicationName: info.applicationName, revision: info.revision }));
      appSpec = contentOf(out.revision);
    } catch (error) {
      throw toGlidepathError(error, `codedeploy:GetApplicationRevision ${info.applicationName}`);
    }
  }
  if (appSpec === undefined) {
    throw new GlidepathError('INVALID_REVISION', `CodeDeploy deployment ${deploymentId} has no AppSpec content (revision type ${info.revision?.revisionType ?? 'unknown'})`);
  }
  const created = info.createTime instanceof Date ? info.createTime.getTime() : undefined;
  return {
    deploymentId,
    ...(info.applicationName ? { applicationName: info.applicationName } : {}),
    ...(info.deploymentGroupName ? { deploymentGroupName: info.deploymentGroupName } : {}),
    ...(info.status ? { status: info.status } : {}),
    ...(created !== undefined && Number.isFinite(created) ? { createTime: created } : {}),
    appSpec,
  };
}

/** The deployment group's alarm configuration, when it is enabled and names alarms. */
export async function readDeploymentGroupAlarms(codedeploy: CodeDeployClient, applicationName: string, deploymentGroupName: string): Promise<GroupAlarms | undefined> {
  try {
    const out = await codedeploy.send(new GetDeploymentGroupCommand({ applicationName, deploymentGroupName }));
    const config = out.deploymentGroupInfo?.alarmConfiguration;
    const names = (config?.alarms ?? []).map((a) => a.name).filter((n): n is string => typeof n === 'string' && n.length > 0);
    if (!config?.enabled || names.length === 0) return undefined;
    return { names, ignorePollAlarmFailure: config.ignorePollAlarmFailure === true };
  } catch (error) {
    throw toGlidepathError(error, `codedeploy:GetDeploymentGroup ${applicationName}/${deploymentGroupName}`);
  }
}

/** The value of one tag of a function (ListTags takes the function's ARN). */
export async function readFunctionTag(lambda: LambdaClient, functionArn: string, tag: string): Promise<string | undefined> {
  try {
    const out = await lambda.send(new ListTagsCommand({ Resource: functionArn }));
    return out.Tags?.[tag];
  } catch (error) {
    if (isErrorNamed(error, 'ResourceNotFoundException')) return undefined;
    throw toGlidepathError(error, `lambda:ListTags ${functionArn}`);
  }
}

/** The CodeDeployReader port on CodeDeploy GetDeployment / GetApplicationRevision / GetDeploymentGroup. */
export function codeDeployReader(codedeploy: CodeDeployClient): CodeDeployReader {
  return {
    deployment: (id) => readCodeDeployDeployment(codedeploy, id),
    groupAlarms: (app, group) => readDeploymentGroupAlarms(codedeploy, app, group),
  };
}
