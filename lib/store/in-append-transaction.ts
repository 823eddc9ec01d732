import type { Kysely } from 'kysely';
import type { RecordedEvent } from './recorded-event';
import type { EventfoldTables } from './schema';

/**
 * Work that runs inside an append's own transaction, after its events are inserted and before the
 * commit: it receives the transaction and the events as they are being stored (final positions
 * and versions). If it throws, the append is rolled back with everything it wrote, and the error
 * reaches the caller of the append. The store runs it only when the application asked for it
 * (inline projections), so plain appends keep their one-statement path.
 */
export type InAppendTransaction = (trx: Kysely<EventfoldTables>, events: readonly RecordedEvent[]) => Promise<void>;
