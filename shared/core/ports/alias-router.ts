/**
 * Where an alias's traffic goes and moving it: the only way tasks touch an alias. `update` is
 * guarded by the RevisionId the caller last saw; a refusal is a ConcurrentModificationError whose
 * details are a ConcurrentChange (what the alias looks like now), so the task can tell its own
 * lost write from someone else's change (shared/core/routing.ts).
 */
export interface AliasRef {
  functionName: string;
  alias: string;
}

export interface AliasState {
  functionVersion: string;
  /** Version → fraction of traffic (0–1), as RoutingConfig.AdditionalVersionWeights holds it. */
  weights: Record<string, number>;
  revisionId: string;
}

/** What an update should leave: the version and the weights (no RevisionId). */
export type AliasRouting = Omit<AliasState, 'revisionId'>;

export interface ConcurrentChange {
  /** The RevisionId the refused update was guarded by. */
  expectedRevisionId: string;
  /** The alias as it is now, when it could be read. */
  observed?: AliasState;
}

export interface AliasRouter {
  /** The alias now; InvalidLambdaFunctionError when it (or its function) does not exist. */
  read(ref: AliasRef): Promise<AliasState>;
  /** Moves the alias to `routing` only if it is still at `revisionId`; returns the new state. */
  update(ref: AliasRef, routing: AliasRouting, revisionId: string): Promise<AliasState>;
}
