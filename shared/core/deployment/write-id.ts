/**
 * The id of one guarded write of a record (an operator's signal, the claim of a wait), stored on
 * the record as `lastWrite`. A caller whose answer was lost (its retry then met its own guard)
 * knows the write for its own by this id, not by a time or an event another caller could share.
 */
import { randomUUID } from 'node:crypto';

export function writeId(): string {
  return randomUUID();
}
