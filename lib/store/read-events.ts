import { decodePayload } from '../events/event-codec';
import type { EventMetadata } from '../events/event-metadata';
import type { EventRegistry } from '../events/event-registry';
import { parseJsonSafely } from '../events/safe-json';
import { CorruptEventError, UndecodableEventError } from '../events/undecodable-event-error';
import type { RecordedEvent } from './recorded-event';
import type { StoredRow } from './event-log-queries';

/**
 * What a reader does with a stored event it cannot decode (unknown type, corrupt payload):
 * `'throw'` (the default) stops with an {@link UndecodableEventError}; `'skip'` passes over it;
 * a function is told about it and the event is skipped.
 */
export type UndecodableHandling = 'throw' | 'skip' | ((error: UndecodableEventError) => void);

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
