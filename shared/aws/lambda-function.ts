/**
 * Reading a function's (or one version's) configuration for the preflight. Not found is an
 * answer here (`undefined`), not an error: the preflight collects every violation before it
 * refuses the deployment.
 */
import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { isErrorNamed, toGlidepathError } from './sdk-errors.ts';
import type { FunctionConfig, FunctionReader } from '../core/ports/function-reader.ts';
import { readFunctionTag } from './codedeploy-deployment.ts';

/** GetFunctionConfiguration of `functionName` (name or ARN), optionally at `qualifier`. */
export async function readFunctionConfiguration(
  lambda: LambdaClient,
  functionName: string,
  qualifier?: string,
): Promise<FunctionConfig | undefined> {
  try {
    const out = await lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: functionName, ...(qualifier === undefined ? {} : { Qualifier: qualifier }) }),
    );
    return {
      functionName: out.FunctionName ?? functionName,
      ...(out.FunctionArn ? { functionArn: out.FunctionArn } : {}),
      version: out.Version ?? qualifier ?? '$LATEST',
      ...(out.Role ? { role: out.Role } : {}),
      ...(out.DeadLetterConfig?.TargetArn ? { deadLetterTargetArn: out.DeadLetterConfig.TargetArn } : {}),
      ...(out.State ? { state: out.State } : {}),
    };
  } catch (error) {
    if (isErrorNamed(error, 'ResourceNotFoundException')) return undefined;
    const target = qualifier === undefined ? functionName : `${functionName}:${qualifier}`;
    throw toGlidepathError(error, `lambda:GetFunctionConfiguration ${target}`);
  }
}

/** Function configurations (GetFunctionConfiguration). */
export function lambdaFunctionConfigurations(lambda: LambdaClient): Pick<FunctionReader, 'configuration'> {
  return { configuration: (functionName, qualifier) => readFunctionConfiguration(lambda, functionName, qualifier) };
}

/** Function tags (ListTags). */
export function lambdaFunctionTags(lambda: LambdaClient): Pick<FunctionReader, 'tag'> {
  return { tag: (functionArn, key) => readFunctionTag(lambda, functionArn, key) };
}
