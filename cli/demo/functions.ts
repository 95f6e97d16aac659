/**
 * Functions under deployment, created through the Lambda API with the SDK as on AWS: a Node.js
 * handler in a zip (`index.mjs`, Handler `index.handler`), then one published version per package.
 * The demo uses these; so do the tests and the bench that need functions with versions.
 */
import { CreateAliasCommand, CreateFunctionCommand, PublishVersionCommand, UpdateFunctionCodeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { waitForCodeUpdate } from '../../shared/aws/function-code.ts';

export interface NodeFunction {
  name: string;
  role: string;
  description?: string;
  environment?: Record<string, string>;
  /** Seconds (Lambda's default, 3, when absent). */
  timeout?: number;
}

/** Lambda is ready again within a second or so: poll from a tenth of a second on. */
const READY_POLL = { intervalSeconds: 0.1 };

/** Creates the function from a zip and waits until it is Active, as on AWS; publishes nothing. */
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
  await waitForCodeUpdate(lambda, fn.name, READY_POLL);
}

export async function publishVersion(lambda: LambdaClient, functionName: string): Promise<string> {
  const out = await lambda.send(new PublishVersionCommand({ FunctionName: functionName }));
  if (!out.Version) throw new Error(`PublishVersion of ${functionName} returned no version`);
  return out.Version;
}

/** Puts `zip` on the function, waits for the update to finish and publishes it: the new version. */
export async function publishCode(lambda: LambdaClient, functionName: string, zip: Uint8Array): Promise<string> {
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: functionName, ZipFile: zip }));
  await waitForCodeUpdate(lambda, functionName, READY_POLL);
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
