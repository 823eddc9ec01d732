/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run before the schema they create exists */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { describeValue } from '../describe-value';
import { createEventLog } from './0001-create-event-log';
import { createSubscriptions } from './0002-create-subscriptions';
import { createSubscriberMembers } from './0003-create-subscriber-members';
import { addAttemptRecords } from './0004-add-attempt-records';
import { addTransactionIds } from './0005-add-transaction-ids';

/** Every schema migration eventfold ships, by name; names sort in the order they apply. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_create_event_log': createEventLog,
  '0002_create_subscriptions': createSubscriptions,
  '0003_create_subscriber_members': createSubscriberMembers,
  '0004_add_attempt_records': addAttemptRecords,
  '0005_add_transaction_ids': addTransactionIds,
};

const provider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};

/**
 * Creates or upgrades eventfold's tables with Kysely's Migrator. Its bookkeeping lives in its own
 * tables, so an application may run its own Kysely migrations in the same database.
 */
export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<void> {
  // Processes that open a new file at the same moment race to create the tables. SQLite may
  // refuse the loser's lock upgrade at once (SQLITE_BUSY) instead of waiting; the retry then
  // finds the schema up to date.
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateOnce(db, schema);
    } catch (error) {
      if (attempt >= 5 || !passesOnRetry(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

/** Whether a failed migration ran into another process's work at the same moment, so that trying again settles it. */
function passesOnRetry(error: unknown): boolean {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))) return true;
    if (/already exists|duplicate column/.test(String((current as Error).message))) return true;
    // Kysely's migrator looks through every table of every schema of a PostgreSQL database; a
    // schema, table or column another application drops at that moment fails the look (3F000,
    // 42P01, 42703), and the next try does not see it.
    if (code === '3F000' || code === '42P01' || code === '42703') return true;
  }
  return false;
}

async function migrateOnce(db: Kysely<any>, schema: string | undefined): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    // Named explicitly on PostgreSQL: Kysely would otherwise find the bookkeeping tables of
    // another schema in the same database and take them for this one's.
    migrationTableSchema: schema,
    migrationTableName: 'eventfold_migration',
    migrationLockTableName: 'eventfold_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : typeof error === 'string' ? error : describeValue(error);
    throw new Error(failed ? `migration ${failed} failed: ${reason}` : reason, { cause: error });
  }
}
