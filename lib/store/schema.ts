import type { Generated } from 'kysely';

/** Table names used by eventfold. Prefixed so they can share a database with the application. */
export const EVENTS_TABLE = 'eventfold_events';
/** Snapshot table name. */
export const SNAPSHOTS_TABLE = 'eventfold_snapshots';

/** One row of the event log. JSON columns hold text. */
export interface EventRow {
  position: Generated<number>;
  event_id: string;
  stream_type: string;
  stream_id: string;
  stream_version: number;
  event_type: string;
  schema_version: number;
  payload: string;
  metadata: string;
  recorded_at: string;
}

/** The latest snapshot of one stream. */
export interface SnapshotRow {
  stream_type: string;
  stream_id: string;
  stream_version: number;
  snapshot_version: number;
  state: string;
  taken_at: string;
}

/** The tables eventfold owns, as Kysely sees them. */
export interface EventfoldTables {
  [EVENTS_TABLE]: EventRow;
  [SNAPSHOTS_TABLE]: SnapshotRow;
}
