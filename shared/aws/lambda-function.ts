/**
 * Reading a function's (or one version's) configuration for the preflight. Not found is an
 * answer here (`undefined`), not an error: the preflight collects every violation before it
 * refuses the deployment.
 */
import { GetFunctionConfigurationCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { isErrorNamed, toGlidepathError } from './sdk-errors.ts';

export interface FunctionConfig {
  functionName: string;
  functionArn?: string;
  /** `$LATEST` or a published version number. */
  version: string;
  role?: string;
  deadLetterTargetArn?: string;
  state?: string;
}

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
