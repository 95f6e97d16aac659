/**
 * Functions under deployment: real zips (fflate) holding an `index.mjs` handler, created and
 * versioned through the local Lambda endpoint with the SDK, as on AWS.
 */
import { strToU8, zipSync } from 'fflate';
import { GetAliasCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { createFunctionWithVersions } from '../../../shared/aws/sample-app.ts';

export const ROLE = 'arn:aws:iam::000000000000:role/glidepath-e2e';

/** What a version does when invoked: answers which version it is, or throws. */
export type Behavior = 'ok' | 'throw';

export function handlerZip(tag: string, behavior: Behavior = 'ok'): Uint8Array {
  const body =
    behavior === 'throw'
      ? `throw new Error('version ${tag} is broken');`
      : `return { version: ${JSON.stringify(tag)} };`;
  return zipSync({ 'index.mjs': strToU8(`export const handler = async () => { ${body} };\n`) });
}

export interface App {
  functionName: string;
  alias: string;
  /** Published versions, in order ('1', '2', …). */
  versions: string[];
}

let seq = 0;

/** A unique function name for this file's engine. */
export function uniqueName(prefix: string): string {
  seq += 1;
  return `${prefix}-${seq}-${Math.random().toString(36).slice(2, 7)}`;
}

/**
 * A function with `behaviors.length` published versions (version i+1 behaves as `behaviors[i]`)
 * and an alias on version 1.
 */
export async function createApp(lambda: LambdaClient, prefix: string, behaviors: Behavior[] = ['ok', 'ok'], alias = 'live'): Promise<App> {
  const functionName = uniqueName(prefix);
  const zips = behaviors.map((behavior, i) => handlerZip(String(i + 1), behavior));
  const versions = await createFunctionWithVersions(lambda, { name: functionName, role: ROLE }, zips, alias);
  return { functionName, alias, versions };
}

export interface AliasView {
  version: string;
  /** RoutingConfig.AdditionalVersionWeights, `{}` when there are none. */
  weights: Record<string, number>;
  revisionId: string;
}

export async function readAlias(lambda: LambdaClient, app: Pick<App, 'functionName' | 'alias'>): Promise<AliasView> {
  const out = await lambda.send(new GetAliasCommand({ FunctionName: app.functionName, Name: app.alias }));
  return { version: out.FunctionVersion!, weights: { ...(out.RoutingConfig?.AdditionalVersionWeights ?? {}) }, revisionId: out.RevisionId! };
}
