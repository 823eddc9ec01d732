import { sql, type Kysely } from 'kysely';
import type { InsertedEvents } from '../backend/append-try';
import { DELETED_STREAM_VERSION } from '../lifecycle/deleted-stream-version';
import type { PreparedEvent } from '../prepare-events';
import { EVENTS_TABLE, type EventfoldTables } from '../schema';
import type { StreamRef } from '../stream-ref';

/**
 * Inserts a deleted stream's tombstone in `trx` at a position drawn by `eventfold_reserve`
 * (migration 0005), with the transaction's id, as `eventfold_append` inserts events. So the
 * tombstone keeps the order readers rely on (`log-horizon.ts`): the transaction that deletes a
 * stream gets its id and the tombstone's position together, and until it commits, readers stop
 * below it. It must be the transaction's first write; the reads before it assign no id.
 */
export async function insertTombstone(trx: Kysely<EventfoldTables>, stream: StreamRef, tombstone: PreparedEvent): Promise<InsertedEvents> {
  const { rows } = await sql<{ position: number | string; recorded_at: Date }>`
    insert into ${sql.table(EVENTS_TABLE)} (position, tx, event_id, stream_type, stream_id, stream_version, event_type, schema_version, payload, metadata, recorded_at)
    select reserved.first_position, reserved.tx, ${tombstone.id}, ${stream.type}, ${stream.id}, ${DELETED_STREAM_VERSION}, ${tombstone.type},
      ${tombstone.schemaVersion}, ${tombstone.payload}::jsonb, ${tombstone.metadataText}::jsonb, reserved.recorded_at
    from eventfold_reserve(1) as reserved
    returning position, recorded_at`.execute(trx);
  // An insert ... select of one row returns one row.
  const row = rows[0]!;
  return { positions: [Number(row.position)], recordedAt: new Date(row.recorded_at) };
}
