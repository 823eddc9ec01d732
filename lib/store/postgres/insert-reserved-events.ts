import { CompiledQuery, type Kysely } from 'kysely';
import type { InsertedEvents } from '../backend/append-try';
import type { PreparedEvent } from '../prepare-events';
import { EVENTS_TABLE, type EventfoldTables } from '../schema';
import type { StreamRef } from '../stream-ref';

/**
 * Reserves the positions (`eventfold_reserve`, migration 0005) and inserts the events in one
 * statement, one round trip whatever the number of events: the rows' fields travel as one array
 * per column. The reservation runs once, before the insert writes anything, as it must.
 *
 * Positions follow stream versions: version `fromVersion + 1 + k` gets `first_position + k`.
 */
const INSERT_RESERVED_SQL = `with reserved as (select * from eventfold_reserve($1)),
inserted as (
  insert into ${EVENTS_TABLE} (position, tx, event_id, stream_type, stream_id, stream_version, event_type, schema_version, payload, metadata, recorded_at)
  select reserved.first_position + (event.stream_version - $4), reserved.tx, event.event_id, $2, $3, event.stream_version,
    event.event_type, event.schema_version, event.payload, event.metadata, reserved.recorded_at
  from reserved, unnest($5::text[], $6::integer[], $7::text[], $8::integer[], $9::jsonb[], $10::jsonb[])
    as event(event_id, stream_version, event_type, schema_version, payload, metadata)
)
select first_position, (extract(epoch from recorded_at) * 1000)::float8 as recorded_ms from reserved`;

/**
 * Inserts an append's events as versions `fromVersion + 1`… of `stream`, at positions reserved
 * for them, in the append's transaction; see `log-horizon.ts` for why positions are reserved.
 */
export async function insertReservedEvents(
  trx: Kysely<EventfoldTables>,
  stream: StreamRef,
  fromVersion: number,
  events: readonly PreparedEvent[],
): Promise<InsertedEvents> {
  const count = events.length;
  const ids = new Array<string>(count);
  const versions = new Array<number>(count);
  const types = new Array<string>(count);
  const schemaVersions = new Array<number>(count);
  const payloads = new Array<string>(count);
  const metadata = new Array<string>(count);
  events.forEach((event, index) => {
    ids[index] = event.id;
    versions[index] = fromVersion + 1 + index;
    types[index] = event.type;
    schemaVersions[index] = event.schemaVersion;
    payloads[index] = event.payload;
    metadata[index] = event.metadataText;
  });
  const parameters = [count, stream.type, stream.id, fromVersion + 1, ids, versions, types, schemaVersions, payloads, metadata];
  const query: CompiledQuery<{ first_position: number | string; recorded_ms: number }> = CompiledQuery.raw(INSERT_RESERVED_SQL, parameters);
  const { rows } = await trx.executeQuery(query);
  // The statement selects the one row of the reservation.
  const { first_position, recorded_ms } = rows[0]!;
  const first = Number(first_position);
  return { positions: Array.from({ length: count }, (_, offset) => first + offset), recordedAt: new Date(recorded_ms) };
}
