import type { Kysely } from 'kysely';
import type { EventStore } from '../event-store/event-store';
import type { EventfoldTables } from '../store/schema';

/**
 * Begins `trx` as a transaction of process-manager steps: its first statement makes it one that
 * may append in between its other writes (see `StoreBackend.holdLogForAppends`). It takes the
 * locks of all the store's inline projections first, as a plain append takes those it runs before
 * it draws its positions: taken the other way round, a step waiting for an inline projection's
 * lock would hold up the append holding it, which waits for the step.
 */
export function beginStepTransaction(store: EventStore, trx: Kysely<EventfoldTables>): Promise<void> {
  return store.backend.holdLogForAppends(trx, store.inlineProjectionNames);
}
