/**
 * A sample application to deploy, set up through the Lambda and CloudWatch APIs as on AWS:
 * functions from a zip (a Node.js handler `index.mjs`, Handler `index.handler`) with one published
 * version per package and an alias, an alarm on them, and calls to the alias. `glidepath demo`
 * uses these; so do the tests and the bench that need functions with versions.
 */
import { PutMetricAlarmCommand, type CloudWatchClient, type PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  InvokeCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';

export interface NodeFunction {
  name: string;
  role: string;
  description?: string;
  environment?: Record<string, string>;
  /** Seconds (Lambda's default, 3, when absent). */
  timeout?: number;
}

/** Creates the function from a zip; publishes nothing. */
export async function createNodeFunction(lambda: LambdaClient, fn: NodeFunction, zip: Uint8Array): Promise<void> {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: fn.name,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: fn.role,
      Code: { ZipFile: zip },
      ...(fn.description === undefined ? {} : { Description: fn.description }),
      ...(fn.environment === undefined ? {} : { Environment: { Variables: fn.environment } }),
      ...(fn.timeout === undefined ? {} : { Timeout: fn.timeout }),
    }),
  );
}

export async function publishVersion(lambda: LambdaClient, functionName: string): Promise<string> {
  const out = await lambda.send(new PublishVersionCommand({ FunctionName: functionName }));
  if (!out.Version) throw new Error(`PublishVersion of ${functionName} returned no version`);
  return out.Version;
}

/** Puts `zip` on the function and publishes it: the new version. */
export async function publishCode(lambda: LambdaClient, functionName: string, zip: Uint8Array): Promise<string> {
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: functionName, ZipFile: zip }));
  return publishVersion(lambda, functionName);
}

/**
 * The function with one published version per zip, in order (the first creates it), and `alias`
 * on the first version. Returns the versions.
 */
export async function createFunctionWithVersions(lambda: LambdaClient, fn: NodeFunction, zips: Uint8Array[], alias: string): Promise<string[]> {
  const [first, ...rest] = zips;
  if (!first) throw new Error(`${fn.name}: no package to create it from`);
  await createNodeFunction(lambda, fn, first);
  const versions = [await publishVersion(lambda, fn.name)];
  for (const zip of rest) versions.push(await publishCode(lambda, fn.name, zip));
  await lambda.send(new CreateAliasCommand({ FunctionName: fn.name, Name: alias, FunctionVersion: versions[0] }));
  return versions;
}

export type MetricAlarm = PutMetricAlarmCommandInput;

export async function putMetricAlarm(cloudwatch: CloudWatchClient, alarm: MetricAlarm): Promise<void> {
  await cloudwatch.send(new PutMetricAlarmCommand(alarm));
}

export interface AliasCall {
  /** The version that answered (`X-Amz-Executed-Version`), `?` when the call did not reach one. */
  executedVersion: string;
  failed: boolean;
}

/** One call to `functionName:alias` with `payload`; a failed call is counted, never thrown. */
export async function invokeAlias(lambda: LambdaClient, functionName: string, alias: string, payload: unknown): Promise<AliasCall> {
  try {
    const out = await lambda.send(new InvokeCommand({ FunctionName: functionName, Qualifier: alias, Payload: JSON.stringify(payload) }));
    return { executedVersion: out.ExecutedVersion ?? '?', failed: out.FunctionError !== undefined };
  } catch {
    return { executedVersion: '?', failed: true };
  }
}
