import type { Kysely } from 'kysely';
import type { AppendTry } from './backend/append-try';
import type { StoreBackend } from './backend/store-backend';
import { ConcurrencyError } from './concurrency-error';
import { currentVersion } from './current-version';
import { EventIdConflictError } from './event-id-conflict-error';
import type { UniqueViolation } from './backend/unique-violation';
import { DELETED_STREAM_VERSION } from './lifecycle/deleted-stream-version';
import { StreamDeletedError } from './lifecycle/stream-deleted-error';
import { acceptsAnyVersionOf } from './expected-version';
import type { InAppendTransaction } from './in-append-transaction';
import type { AppendResult } from './new-event';
import type { PreparedEvent } from './prepare-events';
import type { RecordedEvent } from './recorded-event';
import { EVENTS_TABLE, type EventfoldTables } from './schema';
import type { StreamRef } from './stream-ref';

/** Tries of an append that accepts any version before it gives up on a stream other writers keep taking. */
const ANY_VERSION_TRIES = 20;

/**
 * Appends prepared events to one stream in one transaction, checking the expected version (under
 * the write lock on SQLite; on PostgreSQL, appends run side by side and the unique index on
 * stream versions settles a race). When the append fails because its events are already there
 * (a retry of an append that did commit), it succeeds with what is stored instead of writing them
 * twice.
 *
 * An append that accepts any version (`'any'`, or `'stream-exists'` on a stream that has events)
 * and loses such a race is not the caller's conflict: it is tried again, and from then on holds
 * the stream's lock until it commits, so that appends piling onto one stream (the bus stream of a
 * frequent event, say) queue instead of failing each other.
 */
export async function appendToStream(backend: StoreBackend, append: Omit<AppendTry, 'lockStream'>, alsoInTransaction?: InAppendTransaction): Promise<AppendResult> {
  const { stream, expected, events } = append;
  for (let attempt = 1; ; attempt++) {
    try {
      const appendTry = { ...append, lockStream: attempt > 1 };
      if (alsoInTransaction) return await appendWith(backend, appendTry, alsoInTransaction);
      const { fromVersion, positions, recordedAt } = await backend.append(appendTry);
      return { nextExpectedVersion: fromVersion + events.length, events: toRecorded(stream, fromVersion, events, positions, recordedAt), alreadyStored: false };
    } catch (error) {
      if (backend.insideTransaction) throw failureInsideTransaction(backend, append, error);
      const violation = backend.uniqueViolationOf(error);
      if (await wasDeleted(backend, stream, error, violation)) throw new StreamDeletedError(stream, 'append to');
      if (!(error instanceof ConcurrencyError) && !violation) throw error;
      const stored = await findStoredAppend(backend.db, stream, events);
      if (stored) return stored;
      if (violation === 'stream-version') {
        if (acceptsAnyVersionOf(expected) && attempt < ANY_VERSION_TRIES) continue;
        // Only reachable where the version check does not run under a lock (PostgreSQL): the
        // unique stream index caught the race instead.
        throw new ConcurrencyError(stream, expected, await currentVersion(backend.db, backend.queries, stream));
      }
      throw error;
    }
  }
}

/**
 * Whether an append failed because its stream is deleted. The tombstone's version is the highest
 * there is, so an append to a deleted stream fails without anything on its way asking: its version
 * check finds the stream at that version, or, expecting any version, its insert finds no version
 * after it (on PostgreSQL, an integer out of range). Only a failed append pays for the question.
 */
async function wasDeleted(backend: StoreBackend, stream: StreamRef, error: unknown, violation: UniqueViolation): Promise<boolean> {
  if (error instanceof ConcurrencyError) return error.actual === DELETED_STREAM_VERSION;
  if (violation === 'event-id') return false;
  return (await currentVersion(backend.db, backend.queries, stream).catch(() => 0)) === DELETED_STREAM_VERSION;
}

/**
 * Why an append inside a caller's transaction failed, said as the store's errors say it. Nothing
 * can be asked of the database: on PostgreSQL the failure aborted the transaction, so the caller's
 * whole transaction must be tried again. A race lost on the unique stream index (an append that
 * read the stream before the transaction held the log, and inserted first) is a conflict whose
 * winning version cannot be read.
 */
function failureInsideTransaction(backend: StoreBackend, append: Omit<AppendTry, 'lockStream'>, error: unknown): unknown {
  const { stream, expected, events } = append;
  if (error instanceof ConcurrencyError && error.actual === DELETED_STREAM_VERSION) return new StreamDeletedError(stream, 'append to');
  const violation = backend.uniqueViolationOf(error);
  if (violation === 'event-id') return new EventIdConflictError(events.map((event) => event.id));
  if (violation === 'stream-version') return new ConcurrencyError(stream, expected, -1);
  return error;
}

/**
 * One try of an append whose transaction also runs `alsoInTransaction` with the events as stored.
 * A retry after a lost race runs it again in the new transaction: the failed one committed nothing.
 */
async function appendWith(backend: StoreBackend, appendTry: AppendTry, alsoInTransaction: InAppendTransaction): Promise<AppendResult> {
  const { stream, events } = appendTry;
  let recorded: RecordedEvent[] = [];
  const { fromVersion } = await backend.appendWith(appendTry, alsoInTransaction.locksFor(events), (trx, { fromVersion: from, positions, recordedAt }) => {
    recorded = toRecorded(stream, from, events, positions, recordedAt);
    return alsoInTransaction.run(trx, recorded);
  });
  return { nextExpectedVersion: fromVersion + events.length, events: recorded, alreadyStored: false };
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
    // One position per event: backends return one for each, and findStoredAppend only answers
    // when it found a row for every event.
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
