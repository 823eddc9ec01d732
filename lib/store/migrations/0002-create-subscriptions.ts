/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run before the schema they create exists */
import type { Kysely, Migration } from 'kysely';
import { DEAD_LETTERS_TABLE, SUBSCRIPTIONS_TABLE } from '../schema';
import type { ColumnTypes } from '../backend/column-types';

/** Creates the tables of subscriptions: checkpoints with leases, and dead letters. */
export function createSubscriptions(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable(SUBSCRIPTIONS_TABLE)
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('position', types.bigint, (column) => column.notNull())
        .addColumn('ahead', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('status_reason', 'text')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_expires_at', types.bigint)
        .addColumn('updated_at', types.timestamp, (column) => column.notNull())
        .execute();
      await db.schema
        .createTable(DEAD_LETTERS_TABLE)
        .addColumn('id', types.serial, (column) => column.primaryKey())
        .addColumn('subscriber', 'text', (column) => column.notNull())
        .addColumn('position', types.bigint, (column) => column.notNull())
        .addColumn('event_id', 'text', (column) => column.notNull())
        .addColumn('event_type', 'text', (column) => column.notNull())
        .addColumn('stream_type', 'text', (column) => column.notNull())
        .addColumn('stream_id', 'text', (column) => column.notNull())
        .addColumn('error_message', 'text', (column) => column.notNull())
        .addColumn('error_stack', 'text')
        .addColumn('attempts', 'integer', (column) => column.notNull())
        .addColumn('failed_at', types.timestamp, (column) => column.notNull())
        .execute();
      await db.schema.createIndex(`${DEAD_LETTERS_TABLE}_subscriber_position`).on(DEAD_LETTERS_TABLE).columns(['subscriber', 'position']).unique().execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable(DEAD_LETTERS_TABLE).execute();
      await db.schema.dropTable(SUBSCRIPTIONS_TABLE).execute();
    },
  };
}
