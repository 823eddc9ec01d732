import type { Kysely } from 'kysely';
import type { PreparedEvent } from './prepare-events';
import type { RecordedEvent } from './recorded-event';
import type { EventfoldTables } from './schema';

/**
 * Work that runs inside an append's own transaction, after its events are inserted and before the
 * commit (the store's inline projections). The store runs it only when the application asked for
 * it, so plain appends keep their one-statement path.
 */
export interface InAppendTransaction {
  /**
   * Names of the pieces of work the append's events will run, for the backend to lock before it
   * reserves the events' positions. Where appends commit side by side (PostgreSQL), appends that
   * run the same work then run it one at a time, in the order of their positions, as a dispatcher
   * would; where one write lock orders every append (SQLite), there is nothing to lock.
   */
  locksFor(events: readonly PreparedEvent[]): readonly string[];
  /**
   * Runs the work through the append's transaction, with the events as they are being stored
   * (final positions and versions). If it throws, the append is rolled back with everything it
   * wrote, and the error reaches the caller of the append.
   */
  run(trx: Kysely<EventfoldTables>, events: readonly RecordedEvent[]): Promise<void>;
}
