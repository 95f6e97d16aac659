/**
 * Moving the alias safely: one update through the alias router, guarded by the RevisionId
 * Glidepath last saw, and one idempotence check in one place. When the router refuses and the
 * alias already looks exactly like what was asked, the refused call's predecessor was our own
 * write whose answer was lost: its revision is adopted. Anything else is someone else's change.
 */
import type { AliasRef, AliasRouter, AliasRouting, AliasState } from '../core/ports/alias-router.ts';
import { concurrentChangeOf, sameRouting } from '../core/routing.ts';

export interface Moved {
  state: AliasState;
  /** The alias was already where we wanted it (our earlier write): its revision was adopted. */
  adopted: boolean;
}

/**
 * Updates the alias to `desired` guarded by `revisionId`. A refusal the router could not read the
 * alias back for is read again here: without knowing what the alias looks like, our own lost write
 * cannot be told from someone else's change (a failed read is its own error, retried as any).
 */
export async function moveAlias(aliases: AliasRouter, ref: AliasRef, desired: AliasRouting, revisionId: string): Promise<Moved> {
  try {
    return { state: await aliases.update(ref, desired, revisionId), adopted: false };
  } catch (error) {
    const change = concurrentChangeOf(error);
    if (!change) throw error;
    const observed = change.observed ?? (await aliases.read(ref));
    if (sameRouting(observed, desired)) return { state: observed, adopted: true };
    throw error;
  }
}
