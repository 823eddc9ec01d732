/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run before the schema they create exists */
import type { Kysely, Migration } from 'kysely';
import { SUBSCRIPTIONS_TABLE } from '../schema';

/**
 * Adds to each subscriber the record of what it is attempting (JSON, null when nothing is in
 * flight), so that attempts a crash cut short are counted by the next process.
 */
export const addInFlightAttempts: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable(SUBSCRIPTIONS_TABLE).addColumn('in_flight', 'text').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable(SUBSCRIPTIONS_TABLE).dropColumn('in_flight').execute();
  },
};
