import type { Kysely } from 'kysely';
import type { InsertedEvents } from '../backend/append-try';
import type { EventLogQueries } from '../event-log-queries';
import type { PreparedEvent } from '../prepare-events';
import type { EventfoldTables } from '../schema';
import type { StreamRef } from '../stream-ref';

/** Rows per INSERT statement: well under SQLite's limit of 32,766 bound parameters. */
const ROWS_PER_INSERT = 1000;

/**
 * Inserts an append's events with positions SQLite assigns, in chunks, under the write lock, and
 * works out which positions they got.
 */
export async function insertEvents(
  trx: Kysely<EventfoldTables>,
  queries: EventLogQueries,
  stream: StreamRef,
  fromVersion: number,
  events: readonly PreparedEvent[],
): Promise<InsertedEvents> {
  // Taken under the write lock, so that recording times follow the order of the log.
  const recordedAt = new Date();
  const recordedAtText = recordedAt.toISOString();
  const positions: number[] = [];
  for (let start = 0; start < events.length; start += ROWS_PER_INSERT) {
    const chunk = events.slice(start, start + ROWS_PER_INSERT);
    const result = await trx.executeQuery(queries.insert(stream, fromVersion + start, chunk, recordedAtText));
    // Under the write lock SQLite gives the rows of one INSERT consecutive rowids, so the last
    // one fixes them all; this saves RETURNING a row per event.
    const last = Number(result.insertId);
    for (let offset = chunk.length - 1; offset >= 0; offset--) positions.push(last - offset);
  }
  return { positions, recordedAt };
}
