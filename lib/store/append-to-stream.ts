import type { Kysely } from 'kysely';
import type { EventLogQueries } from './event-log-queries';
import { ConcurrencyError } from './concurrency-error';
import { EventIdConflictError } from './event-id-conflict-error';
import { matchesExpectedVersion, type ExpectedVersion } from './expected-version';
import type { AppendResult } from './new-event';
import type { PreparedEvent } from './prepare-events';
import type { RecordedEvent } from './recorded-event';
import { EVENTS_TABLE, type EventfoldTables } from './schema';
import type { StreamRef } from './stream-ref';
import { uniqueViolationOf } from './unique-violation';
import { inWriteTransaction } from './write-transaction';
import type { AppendHooks } from './append-hooks';

/** Rows per INSERT statement: well under SQLite's limit of 32,766 bound parameters. */
const ROWS_PER_INSERT = 1000;

/**
 * Appends prepared events to one stream in one transaction, checking the expected version under
 * the write lock. When the append fails because its events are already there (a retry of an
 * append that did commit), it succeeds with what is stored instead of writing them twice.
 */
export async function appendToStream(
  db: Kysely<EventfoldTables>,
  queries: EventLogQueries,
  hooks: AppendHooks,
  stream: StreamRef,
  expected: ExpectedVersion,
  events: readonly PreparedEvent[],
): Promise<AppendResult> {
  try {
    return await inWriteTransaction(db, hooks.sqlite, async (trx) => {
      await hooks.begin(trx);
      // Taken under the write lock, so that recording times follow the order of the log.
      const recordedAt = new Date();
      const actual = await currentVersion(trx, queries, stream);
      if (!matchesExpectedVersion(expected, actual)) throw new ConcurrencyError(stream, expected, actual);
      const positions = await insertEvents(trx, queries, hooks.returnsPositions, stream, actual, events, recordedAt.toISOString());
      await hooks.end(trx);
      return {
        nextExpectedVersion: actual + events.length,
        events: toRecorded(stream, actual, events, positions, recordedAt),
        alreadyStored: false,
      };
    });
  } catch (error) {
    const violation = uniqueViolationOf(error);
    if (!(error instanceof ConcurrencyError) && !violation) throw error;
    const stored = await findStoredAppend(db, stream, events);
    if (stored) return stored;
    if (violation === 'stream-version') {
      // Only reachable where the version check does not run under a lock (PostgreSQL): the
      // unique stream index caught the race instead.
      throw new ConcurrencyError(stream, expected, await currentVersion(db, queries, stream));
    }
    throw error;
  }
}

/** The version of a stream's last event, 0 if it has none. */
export async function currentVersion(db: Kysely<EventfoldTables>, queries: EventLogQueries, stream: StreamRef): Promise<number> {
  const { rows } = await db.executeQuery(queries.streamVersion(stream));
  return Number(rows[0]?.version ?? 0);
}

async function insertEvents(
  trx: Kysely<EventfoldTables>,
  queries: EventLogQueries,
  returnsPositions: boolean,
  stream: StreamRef,
  fromVersion: number,
  events: readonly PreparedEvent[],
  recordedAt: string,
): Promise<number[]> {
  const positions: number[] = [];
  for (let start = 0; start < events.length; start += ROWS_PER_INSERT) {
    const chunk = events.slice(start, start + ROWS_PER_INSERT);
    const result = await trx.executeQuery(queries.insert(stream, fromVersion + start, chunk, recordedAt));
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
  return positions;
}

/**
 * Looks for the append's event ids in the log. All of them stored in this stream, in order, means
 * an earlier attempt committed: the append is answered from the log. Some of them stored in
 * another way means ids were reused for different events, which is refused.
 */
async function findStoredAppend(db: Kysely<EventfoldTables>, stream: StreamRef, events: readonly PreparedEvent[]): Promise<AppendResult | undefined> {
  const ids = events.map((event) => event.id);
  const rows = await db
    .selectFrom(EVENTS_TABLE)
    .select(['event_id', 'stream_type', 'stream_id', 'stream_version', 'position', 'recorded_at'])
    .where('event_id', 'in', ids)
    .orderBy('position')
    .execute();
  const first = rows[0];
  if (first === undefined) return undefined;
  const sameAppend =
    rows.length === ids.length &&
    rows.every(
      (row, index) =>
        row.event_id === ids[index] &&
        row.stream_type === stream.type &&
        row.stream_id === stream.id &&
        Number(row.stream_version) === Number(first.stream_version) + index,
    );
  if (!sameAppend) throw new EventIdConflictError(rows.map((row) => row.event_id));
  const fromVersion = Number(first.stream_version) - 1;
  return {
    nextExpectedVersion: fromVersion + events.length,
    events: toRecorded(
      stream,
      fromVersion,
      events,
      rows.map((row) => Number(row.position)),
      new Date(first.recorded_at),
    ),
    alreadyStored: true,
  };
}

function toRecorded(stream: StreamRef, fromVersion: number, events: readonly PreparedEvent[], positions: readonly number[], recordedAt: Date): RecordedEvent[] {
  return events.map((event, index) => ({
    // One position per event: insertEvents pushes one for each, and findStoredAppend only
    // answers when it found a row for every event.
    position: positions[index]!,
    eventId: event.id,
    streamType: stream.type,
    streamId: stream.id,
    streamVersion: fromVersion + index + 1,
    type: event.type,
    schemaVersion: event.schemaVersion,
    event: event.event,
    metadata: event.metadata,
    recordedAt,
  }));
}
