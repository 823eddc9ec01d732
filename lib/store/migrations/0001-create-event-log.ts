/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run before the schema they create exists */
import type { Kysely, Migration } from 'kysely';
import { EVENTS_TABLE, SNAPSHOTS_TABLE } from '../schema';
import type { ColumnTypes } from '../backend/column-types';

/** Creates the event log and the snapshot table. */
export function createEventLog(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      // On SQLite `integer primary key` makes position the rowid: the cheapest monotonic order
      // there is. On PostgreSQL it is a bigserial.
      await db.schema
        .createTable(EVENTS_TABLE)
        .addColumn('position', types.serial, (column) => column.primaryKey())
        .addColumn('event_id', 'text', (column) => column.notNull())
        .addColumn('stream_type', 'text', (column) => column.notNull())
        .addColumn('stream_id', 'text', (column) => column.notNull())
        .addColumn('stream_version', 'integer', (column) => column.notNull())
        .addColumn('event_type', 'text', (column) => column.notNull())
        .addColumn('schema_version', 'integer', (column) => column.notNull())
        .addColumn('payload', types.json, (column) => column.notNull())
        .addColumn('metadata', types.json, (column) => column.notNull())
        .addColumn('recorded_at', types.timestamp, (column) => column.notNull())
        .execute();
      // The unique stream index is also the concurrency guard of last resort: two writers can
      // never both store version N of one stream, whatever the version check saw.
      await db.schema.createIndex(`${EVENTS_TABLE}_stream`).on(EVENTS_TABLE).columns(['stream_type', 'stream_id', 'stream_version']).unique().execute();
      await db.schema.createIndex(`${EVENTS_TABLE}_event_id`).on(EVENTS_TABLE).column('event_id').unique().execute();
      await db.schema
        .createTable(SNAPSHOTS_TABLE)
        .addColumn('stream_type', 'text', (column) => column.notNull())
        .addColumn('stream_id', 'text', (column) => column.notNull())
        .addColumn('stream_version', 'integer', (column) => column.notNull())
        .addColumn('snapshot_version', 'integer', (column) => column.notNull())
        .addColumn('state', 'text', (column) => column.notNull())
        .addColumn('taken_at', types.timestamp, (column) => column.notNull())
        .addPrimaryKeyConstraint(`${SNAPSHOTS_TABLE}_pk`, ['stream_type', 'stream_id'])
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable(SNAPSHOTS_TABLE).execute();
      await db.schema.dropTable(EVENTS_TABLE).execute();
    },
  };
}
