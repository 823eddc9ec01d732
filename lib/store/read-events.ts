import type { Kysely } from 'kysely';
import { decodePayload } from '../events/event-codec';
import type { EventMetadata } from '../events/event-metadata';
import type { EventRegistry } from '../events/event-registry';
import { parseJsonSafely } from '../events/safe-json';
import { CorruptEventError, UndecodableEventError } from '../events/undecodable-event-error';
import type { RecordedEvent } from './recorded-event';
import { EVENTS_TABLE, type EventfoldTables, type EventRow } from './schema';
import type { StreamRef } from './stream-ref';

/**
 * What a reader does with a stored event it cannot decode (unknown type, corrupt payload):
 * `'throw'` (the default) stops with an {@link UndecodableEventError}; `'skip'` passes over it;
 * a function is told about it and the event is skipped.
 */
export type UndecodableHandling = 'throw' | 'skip' | ((error: UndecodableEventError) => void);

type StoredRow = Omit<EventRow, 'position'> & { position: number | string | bigint };

/** Reads rows in pages of `pageSize`, keyed on a column that increases, and decodes them. */
export async function* readPaged(
  registry: EventRegistry,
  fetchPage: (after: number) => Promise<StoredRow[]>,
  after: number,
  key: 'position' | 'stream_version',
  pageSize: number,
  onUndecodable: UndecodableHandling,
): AsyncGenerator<RecordedEvent> {
  let cursor = after;
  for (;;) {
    const rows = await fetchPage(cursor);
    for (const row of rows) {
      const recorded = decodeRowOrHandle(registry, row, onUndecodable);
      if (recorded) yield recorded;
    }
    if (rows.length < pageSize) return;
    cursor = Number(rows[rows.length - 1][key]);
  }
}

/** One page of the whole log after `after`, up to position `to`. */
export function pageOfLog(db: Kysely<EventfoldTables>, to: number | undefined, pageSize: number) {
  return (after: number) => {
    let query = db.selectFrom(EVENTS_TABLE).selectAll().where('position', '>', after);
    if (to !== undefined) query = query.where('position', '<=', to);
    return query.orderBy('position').limit(pageSize).execute();
  };
}

/** One page of a stream after version `after`, up to version `to`. */
export function pageOfStream(db: Kysely<EventfoldTables>, stream: StreamRef, to: number | undefined, pageSize: number) {
  return (after: number) => {
    let query = db
      .selectFrom(EVENTS_TABLE)
      .selectAll()
      .where('stream_type', '=', stream.type)
      .where('stream_id', '=', stream.id)
      .where('stream_version', '>', after);
    if (to !== undefined) query = query.where('stream_version', '<=', to);
    return query.orderBy('stream_version').limit(pageSize).execute();
  };
}

function decodeRowOrHandle(registry: EventRegistry, row: StoredRow, onUndecodable: UndecodableHandling): RecordedEvent | undefined {
  try {
    return decodeRow(registry, row);
  } catch (error) {
    if (!(error instanceof UndecodableEventError) || onUndecodable === 'throw') throw error;
    if (typeof onUndecodable === 'function') onUndecodable(error);
    return undefined;
  }
}

/** Turns one stored row into a {@link RecordedEvent}. */
export function decodeRow(registry: EventRegistry, row: StoredRow): RecordedEvent {
  const location = {
    position: Number(row.position),
    type: row.event_type,
    streamType: row.stream_type,
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
  };
  const event = decodePayload(registry, location, Number(row.schema_version), row.payload);
  let metadata: EventMetadata;
  try {
    metadata = parseJsonSafely(row.metadata) as EventMetadata;
  } catch (cause) {
    throw new CorruptEventError(location, `its metadata is not valid JSON (${(cause as Error).message}).`, { cause });
  }
  return {
    position: location.position,
    eventId: row.event_id,
    streamType: row.stream_type,
    streamId: row.stream_id,
    streamVersion: location.streamVersion,
    type: row.event_type,
    schemaVersion: Number(row.schema_version),
    event,
    metadata,
    recordedAt: new Date(row.recorded_at),
  };
}
