/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run before the schema they create exists */
import type { Kysely, Migration } from 'kysely';
import { SUBSCRIBER_MEMBERS_TABLE } from '../schema';
import type { ColumnTypes } from '../backend/column-types';

/**
 * Creates the table in which processes running a subscriber split into segments announce
 * themselves, so that they can share its segments fairly.
 */
export function createSubscriberMembers(types: ColumnTypes): Migration {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable(SUBSCRIBER_MEMBERS_TABLE)
        .addColumn('subscriber', 'text', (column) => column.notNull())
        .addColumn('owner', 'text', (column) => column.notNull())
        .addColumn('expires_at', types.bigint, (column) => column.notNull())
        .addPrimaryKeyConstraint(`${SUBSCRIBER_MEMBERS_TABLE}_pk`, ['subscriber', 'owner'])
        .execute();
    },
    async down(db: Kysely<any>): Promise<void> {
      await db.schema.dropTable(SUBSCRIBER_MEMBERS_TABLE).execute();
    },
  };
}
