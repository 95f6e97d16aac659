/** The outputs of a CloudFormation stack, by key: where a client finds a deployed Glidepath. */
import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { errorName } from './sdk-errors.ts';

/** Thrown as is when the stack does not exist (name ValidationError, "… does not exist"). */
export function isMissingStack(error: unknown): boolean {
  return errorName(error) === 'ValidationError' && /does not exist/.test((error as Error).message ?? '');
}

export async function readStackOutputs(cloudformation: CloudFormationClient, stack: string): Promise<Record<string, string>> {
  const out = await cloudformation.send(new DescribeStacksCommand({ StackName: stack }));
  const outputs = out.Stacks?.[0]?.Outputs ?? [];
  return Object.fromEntries(outputs.filter((o) => o.OutputKey && o.OutputValue).map((o) => [o.OutputKey!, o.OutputValue!]));
}
