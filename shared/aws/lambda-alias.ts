/**
 * A Lambda alias as Glidepath moves it: GetAlias, and UpdateAlias guarded by the RevisionId
 * Glidepath last saw. A PreconditionFailedException means the alias changed since: the error
 * says what the alias looks like now (one GetAlias), so the caller can tell its own lost write
 * from someone else's change.
 */
import { GetAliasCommand, UpdateAliasCommand, type AliasConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import { ConcurrentModificationError, GlidepathError, InvalidLambdaConfigurationError, InvalidLambdaFunctionError } from '../core/errors.ts';
import { describeAliasRouting } from '../core/routing.ts';
import type { AliasRef, AliasRouter, AliasRouting, AliasState, ConcurrentChange } from '../core/ports/alias-router.ts';
import { isErrorNamed, toGlidepathError } from './sdk-errors.ts';

function aliasName(ref: AliasRef): string {
  return `alias ${ref.alias} of ${ref.functionName}`;
}

function toState(ref: AliasRef, config: AliasConfiguration): AliasState {
  // The SDK does not check required output fields: an empty 200 would parse.
  if (!config.FunctionVersion || !config.RevisionId) {
    throw new GlidepathError('INTERNAL_ERROR', `lambda returned ${aliasName(ref)} without FunctionVersion or RevisionId`);
  }
  return {
    functionVersion: config.FunctionVersion,
    weights: { ...(config.RoutingConfig?.AdditionalVersionWeights ?? {}) },
    revisionId: config.RevisionId,
  };
}

function mapLambdaError(error: unknown, ref: AliasRef, what: string): GlidepathError {
  if (isErrorNamed(error, 'ResourceNotFoundException')) {
    return new InvalidLambdaFunctionError(`${aliasName(ref)} does not exist (${(error as Error).message})`, { cause: error });
  }
  if (isErrorNamed(error, 'InvalidParameterValueException')) {
    return new InvalidLambdaConfigurationError(`${what} ${aliasName(ref)} was refused: ${(error as Error).message}`, { cause: error });
  }
  return toGlidepathError(error, `lambda:${what} ${ref.functionName}:${ref.alias}`);
}

export async function getAlias(lambda: LambdaClient, ref: AliasRef): Promise<AliasState> {
  try {
    const out = await lambda.send(new GetAliasCommand({ FunctionName: ref.functionName, Name: ref.alias }));
    return toState(ref, out);
  } catch (error) {
    throw mapLambdaError(error, ref, 'GetAlias');
  }
}

/**
 * UpdateAlias to `routing` only if the alias is still at `revisionId`. Returns the new state.
 * PreconditionFailed → ConcurrentModificationError whose `details` is a ConcurrentChange.
 */
export async function updateAlias(lambda: LambdaClient, ref: AliasRef, routing: AliasRouting, revisionId: string): Promise<AliasState> {
  try {
    const out = await lambda.send(
      new UpdateAliasCommand({
        FunctionName: ref.functionName,
        Name: ref.alias,
        FunctionVersion: routing.functionVersion,
        RoutingConfig: { AdditionalVersionWeights: routing.weights },
        RevisionId: revisionId,
      }),
    );
    return toState(ref, out);
  } catch (error) {
    if (!isErrorNamed(error, 'PreconditionFailedException')) throw mapLambdaError(error, ref, 'UpdateAlias');
    let observed: AliasState | undefined;
    try {
      observed = await getAlias(lambda, ref);
    } catch {
      // Reading it back is only for the message; the refusal is what matters.
    }
    const seen = observed
      ? `it now serves ${describeAliasRouting(observed)} (revision ${observed.revisionId})`
      : 'it could not be read back';
    const details: ConcurrentChange = { expectedRevisionId: revisionId, ...(observed ? { observed } : {}) };
    throw new ConcurrentModificationError(
      `${aliasName(ref)} was changed by someone else since revision ${revisionId}: ${seen}; Glidepath did not overwrite it`,
      { cause: error, details: details as unknown as Record<string, unknown> },
    );
  }
}

/** Reading an alias (GetAlias) alone. */
export function lambdaAliasReader(lambda: LambdaClient): Pick<AliasRouter, 'read'> {
  return { read: (ref) => getAlias(lambda, ref) };
}

/** The AliasRouter port on Lambda's GetAlias and UpdateAlias. */
export function lambdaAliasRouter(lambda: LambdaClient): AliasRouter {
  return { read: (ref) => getAlias(lambda, ref), update: (ref, routing, revisionId) => updateAlias(lambda, ref, routing, revisionId) };
}
