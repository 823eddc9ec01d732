/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run before the schema they create exists */
import type { Kysely, Migration } from 'kysely';
import { ARCHIVED_STREAMS_TABLE } from '../schema';

/**
 * Creates the table of archived streams (see `lifecycle/archived-streams.ts`). Deleted streams
 * need no table: their tombstone is an event of the log.
 */
export const createArchivedStreams: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable(ARCHIVED_STREAMS_TABLE)
      .addColumn('stream_type', 'text', (column) => column.notNull())
      .addColumn('stream_id', 'text', (column) => column.notNull())
      .addColumn('archived_at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint(`${ARCHIVED_STREAMS_TABLE}_pk`, ['stream_type', 'stream_id'])
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable(ARCHIVED_STREAMS_TABLE).execute();
  },
};
