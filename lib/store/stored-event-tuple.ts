import type { StoredRow } from './event-log-queries';

/**
 * A stored event's columns in the order the log's page queries select them
 * (`EVENT_COLUMNS` of `event-log-queries.ts`): an array rather than an object, because building
 * an object per row, a property at a time, cost the SQLite driver more than reading the row.
 */
export type StoredEventTuple = readonly [
  position: StoredRow['position'],
  eventId: string,
  streamType: string,
  streamId: string,
  streamVersion: number | string,
  eventType: string,
  schemaVersion: number | string,
  payload: string,
  metadata: string,
  recordedAt: string | Date,
];

/** The row a driver returned as an object, as a {@link StoredEventTuple}. */
export function tupleOfStoredRow(row: StoredRow): StoredEventTuple {
  return [row.position, row.event_id, row.stream_type, row.stream_id, row.stream_version, row.event_type, row.schema_version, row.payload, row.metadata, row.recorded_at];
}

/** The position in a {@link StoredEventTuple}, as a number. */
export function positionOfTuple(row: StoredEventTuple): number {
  return Number(row[0]);
}

/** The stream version in a {@link StoredEventTuple}, as a number. */
export function streamVersionOfTuple(row: StoredEventTuple): number {
  return Number(row[4]);
}
