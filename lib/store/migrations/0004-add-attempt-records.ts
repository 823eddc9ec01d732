/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run before the schema they create exist */
import type { Kysely, Migration } from 'kysely';
import { DEAD_LETTERS_TABLE, SUBSCRIPTIONS_TABLE } from '../schema';

/**
 * Adds what a subscriber records about its attempts: to each subscriber, what it is attempting
 * (JSON, null when nothing is in flight), so that attempts a crash cut short are counted by the
 * next process; to each dead letter, whether its subscriber halted on the event or parked it.
 */
export const addAttemptRecords: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable(SUBSCRIPTIONS_TABLE).addColumn('in_flight', 'text').execute();
    await db.schema
      .alterTable(DEAD_LETTERS_TABLE)
      .addColumn('halted', 'integer', (column) => column.notNull().defaultTo(0))
      .execute();
    // Letters written before: a halted one is one its subscriber's checkpoint has not passed.
    await db
      .updateTable(DEAD_LETTERS_TABLE)
      .set({ halted: 1 })
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom(`${SUBSCRIPTIONS_TABLE} as s`)
            .select('s.name')
            .whereRef('s.name', '=', `${DEAD_LETTERS_TABLE}.subscriber`)
            .where('s.status', '=', 'halted')
            .whereRef('s.position', '<', `${DEAD_LETTERS_TABLE}.position`),
        ),
      )
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable(DEAD_LETTERS_TABLE).dropColumn('halted').execute();
    await db.schema.alterTable(SUBSCRIPTIONS_TABLE).dropColumn('in_flight').execute();
  },
};
