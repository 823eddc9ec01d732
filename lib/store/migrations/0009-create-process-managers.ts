/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run before the schema they create exists */
import type { Kysely, Migration } from 'kysely';
import type { ColumnTypes } from '../backend/column-types';
import { DEADLINES_TABLE, PROCESS_INSTANCES_TABLE } from '../schema';

/**
 * Creates the tables of process managers: one row per instance with its state, and the deadlines
 * they scheduled, found by due time.
 */
export function createProcessManagers(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable(PROCESS_INSTANCES_TABLE)
        .addColumn('process_manager', 'text', (column) => column.notNull())
        .addColumn('key', 'text', (column) => column.notNull())
        .addColumn('state', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('version', 'integer', (column) => column.notNull())
        .addColumn('started_at', types.timestamp, (column) => column.notNull())
        .addColumn('updated_at', types.timestamp, (column) => column.notNull())
        .addPrimaryKeyConstraint(`${PROCESS_INSTANCES_TABLE}_pk`, ['process_manager', 'key'])
        .execute();
      await db.schema
        .createTable(DEADLINES_TABLE)
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('process_manager', 'text', (column) => column.notNull())
        .addColumn('instance_key', 'text', (column) => column.notNull())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('due_at', types.bigint, (column) => column.notNull())
        .addColumn('payload', 'text', (column) => column.notNull())
        .addColumn('scheduled_at', types.timestamp, (column) => column.notNull())
        .addColumn('attempts', 'integer', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('last_error', 'text')
        .execute();
      await db.schema.createIndex(`${DEADLINES_TABLE}_instance_name`).on(DEADLINES_TABLE).columns(['process_manager', 'instance_key', 'name']).unique().execute();
      await db.schema.createIndex(`${DEADLINES_TABLE}_due`).on(DEADLINES_TABLE).columns(['status', 'due_at']).execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable(DEADLINES_TABLE).execute();
      await db.schema.dropTable(PROCESS_INSTANCES_TABLE).execute();
    },
  };
}
