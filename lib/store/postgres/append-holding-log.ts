import { sql, type Kysely } from 'kysely';
import type { AppendOutcome, AppendTry } from '../backend/append-try';
import { ConcurrencyError } from '../concurrency-error';
import { currentVersion } from '../current-version';
import type { EventLogQueries } from '../event-log-queries';
import { matchesExpectedVersion } from '../expected-version';
import { EVENTS_TABLE, type EventfoldTables } from '../schema';

/**
 * Takes, in `trx`, the lock under which appends draw their transaction ids and positions
 * (`eventfold_reserve`, migration 0005), and holds it until `trx` ends. Its first statement must
 * be this: a transaction that writes before it has a transaction id drawn outside the lock.
 *
 * A process manager's step reads, writes its own tables and appends to several streams in one
 * transaction, in whatever order its code does them; `eventfold_reserve`, which must be a
 * transaction's first write and runs once, cannot serve it. Holding the lock for the whole
 * transaction keeps the order readers rely on (`log-horizon.ts`) another way: no other append
 * draws an id or a position between this transaction's first write and its commit, so every
 * append before it has a lower id and lower positions, and every one after a higher id and higher
 * positions. The price is that appends of the whole store wait while such a transaction runs.
 */
export async function holdLogForAppends(trx: Kysely<EventfoldTables>): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext('eventfold:' || current_schema()))`.execute(trx);
}

/**
 * Appends to one stream in `trx`, a transaction that holds the log's append lock
 * ({@link holdLogForAppends}): the version check, positions drawn from the log's sequence, and
 * the insert, with the transaction's id. No other append can insert meanwhile, so the version
 * read stays true until the insert (an append that read the stream before the lock was taken
 * meets this one on the unique stream index, and the later of the two fails).
 */
export async function appendHoldingLog(trx: Kysely<EventfoldTables>, queries: EventLogQueries, attempt: AppendTry): Promise<AppendOutcome> {
  const { stream, expected, events } = attempt;
  const fromVersion = await currentVersion(trx, queries, stream);
  if (!matchesExpectedVersion(expected, fromVersion)) throw new ConcurrencyError(stream, expected, fromVersion);
  const count = events.length;
  const { rows } = await sql<{ first_position: number | string; recorded_ms: number }>`
    with drawn as (select nextval(pg_get_serial_sequence(${EVENTS_TABLE}, 'position')) as first_position),
      advanced as (select case when ${count} > 1 then setval(pg_get_serial_sequence(${EVENTS_TABLE}, 'position'), first_position + ${count} - 1) end from drawn)
    select drawn.first_position, (extract(epoch from date_trunc('milliseconds', clock_timestamp())) * 1000)::float8 as recorded_ms
    from drawn, advanced`.execute(trx);
  const first = Number(rows[0]!.first_position);
  const recordedAt = new Date(rows[0]!.recorded_ms);
  await sql`
    insert into ${sql.table(EVENTS_TABLE)} (position, event_id, stream_type, stream_id, stream_version, event_type, schema_version, payload, metadata, recorded_at)
    select ${first} + event.n - 1, event.event_id, ${stream.type}, ${stream.id}, ${fromVersion} + event.n, event.event_type, event.schema_version,
      event.payload, event.metadata, ${recordedAt.toISOString()}::timestamptz
    from unnest(${events.map((event) => event.id)}::text[], ${events.map((event) => event.type)}::text[], ${events.map((event) => event.schemaVersion)}::integer[],
      ${events.map((event) => event.payload)}::jsonb[], ${events.map((event) => event.metadataText)}::jsonb[])
      with ordinality as event(event_id, event_type, schema_version, payload, metadata, n)`.execute(trx);
  return { fromVersion, positions: Array.from({ length: count }, (_, offset) => first + offset), recordedAt };
}
