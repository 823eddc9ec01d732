import type { Kysely } from 'kysely';
import type { EventLogQueries } from './event-log-queries';
import type { PreparedEvent } from './prepare-events';
import type { EventfoldTables } from './schema';
import type { StreamRef } from './stream-ref';

/** Rows per INSERT statement: well under SQLite's limit of 32,766 bound parameters. */
const ROWS_PER_INSERT = 1000;

/** Where an append's events were stored, and when. */
export interface InsertedEvents {
  /** One per event, in the order of the events. */
  readonly positions: readonly number[];
  readonly recordedAt: Date;
}

/**
 * Inserts an append's events with positions the database assigns, in chunks, and finds out which
 * positions they got. Used where the append holds the write lock (SQLite), and on other
 * databases without the ordering guarantees of PostgreSQL's reservations.
 */
export async function insertEvents(
  trx: Kysely<EventfoldTables>,
  queries: EventLogQueries,
  returnsPositions: boolean,
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
    if (!returnsPositions) {
      // Under the write lock SQLite gives the rows of one INSERT consecutive rowids, so the
      // last one fixes them all; this saves RETURNING a row per event.
      const last = Number(result.insertId);
      for (let offset = chunk.length - 1; offset >= 0; offset--) positions.push(last - offset);
    } else {
      // RETURNING promises no row order, so positions are matched to events by id.
      const positionOf = new Map(result.rows.map((row) => [row.event_id, Number(row.position)]));
      for (const event of chunk) positions.push(positionOf.get(event.id) as number);
    }
  }
  return { positions, recordedAt };
}
