/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run before the schema they create exists */
import type { Kysely, Migration } from 'kysely';
import { REBUILDS_TABLE } from '../schema';

/**
 * Creates the table that records a projection rebuilding into copies of its read model, so that
 * a process that stopped in the middle of one leaves enough behind for the next to undo it.
 */
export const createRebuilds: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable(REBUILDS_TABLE)
      .addColumn('projection', 'text', (column) => column.primaryKey())
      .addColumn('tables', 'text', (column) => column.notNull())
      .addColumn('checkpoints', 'text', (column) => column.notNull())
      .addColumn('started_at', 'text', (column) => column.notNull())
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable(REBUILDS_TABLE).execute();
  },
};
