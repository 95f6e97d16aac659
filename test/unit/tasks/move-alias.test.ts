/**
 * moveAlias on an in-memory alias router: our own write whose answer was lost is adopted even when
 * the router could not read the alias back with its refusal; someone else's change is not.
 */
import { describe, expect, it } from 'vitest';
import { ConcurrentModificationError, ThrottledError } from '../../../shared/core/errors.ts';
import type { AliasRouter, AliasRouting, AliasState } from '../../../shared/core/ports/alias-router.ts';
import { moveAlias } from '../../../shared/tasks/move-alias.ts';

const ref = { functionName: 'orders', alias: 'live' };
const desired: AliasRouting = { functionVersion: '1', weights: { '2': 0.34 } };

/** An alias at `state`; update refuses any revision but the current one, with no read-back (as when GetAlias failed). */
function router(state: AliasState, reads: Array<AliasState | Error>): AliasRouter {
  return {
    read: async () => {
      const next = reads.shift();
      if (!next) throw new Error('no read expected');
      if (next instanceof Error) throw next;
      return next;
    },
    update: async (_ref, routing, revisionId) => {
      if (revisionId !== state.revisionId) throw new ConcurrentModificationError('changed', { details: { expectedRevisionId: revisionId } });
      return { ...routing, revisionId: `${revisionId}+` };
    },
  };
}

describe('moveAlias after a refusal without a read-back', () => {
  const ours: AliasState = { functionVersion: '1', weights: { '2': 0.34 }, revisionId: 'r2' };

  it('reads the alias again and adopts our own lost write', async () => {
    const moved = await moveAlias(router(ours, [ours]), ref, desired, 'r1');
    expect(moved).toEqual({ state: ours, adopted: true });
  });

  it('someone else’s change is still CONCURRENT_MODIFICATION', async () => {
    const theirs: AliasState = { functionVersion: '3', weights: {}, revisionId: 'r9' };
    await expect(moveAlias(router(theirs, [theirs]), ref, desired, 'r1')).rejects.toMatchObject({ name: 'CONCURRENT_MODIFICATION' });
  });

  it('a read that fails again is that failure (retried), not CONCURRENT_MODIFICATION', async () => {
    await expect(moveAlias(router(ours, [new ThrottledError('Rate exceeded')]), ref, desired, 'r1')).rejects.toMatchObject({ name: 'THROTTLED' });
  });
});
