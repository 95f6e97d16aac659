/**
 * What a core operation needs from its environment besides the clients: the table, the event
 * bus. Handlers build it from process.env (TABLE_NAME, EVENT_BUS_NAME); tests pass it directly.
 */
import type { Clients } from '../aws/clients.ts';
import type { Store } from '../aws/deployment-store.ts';
import type { Log } from '../core/ports/log.ts';

export interface HandlerEnv {
  tableName: string;
  /** Default `default`. */
  eventBusName: string;
}

/** Somewhere to say what happened that is not an error (a best-effort call that failed). */
export type Notes = Pick<Log, 'warn'>;

export const silentNotes: Notes = { warn: () => {} };

export function storeOf(clients: Clients, env: HandlerEnv): Store {
  return { ddb: clients.ddb, tableName: env.tableName };
}
