/* eslint-disable @typescript-eslint/no-explicit-any -- migrations run before the schema they create exists */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { describeValue } from '../describe-value';
import { createEventLog } from './0001-create-event-log';
import { createSubscriptions } from './0002-create-subscriptions';
import { createSubscriberMembers } from './0003-create-subscriber-members';
import { addAttemptRecords } from './0004-add-attempt-records';
import { createRebuilds } from './0007-create-rebuilds';
import { createArchivedStreams } from './0008-create-archived-streams';
import { createProcessManagers } from './0009-create-process-managers';
import type { ColumnTypes } from '../backend/column-types';
import type { StoreBackend } from '../backend/store-backend';

/** A migration that every backend runs, and that only some add work of their own to. */
const NOTHING_SHARED: Migration = { up: async () => undefined };

/** Every schema migration eventfold ships, by name, with the part every backend shares; names sort in the order they apply. */
function sharedMigrations(types: ColumnTypes): Record<string, Migration> {
  return {
    '0001_create_event_log': createEventLog(types),
    '0002_create_subscriptions': createSubscriptions(types),
    '0003_create_subscriber_members': createSubscriberMembers(types),
    '0004_add_attempt_records': addAttemptRecords,
    // PostgreSQL's transaction ids (postgres/add-transaction-ids.ts).
    '0005_add_transaction_ids': NOTHING_SHARED,
    // PostgreSQL's appends in one statement (postgres/add-append-function.ts).
    '0006_add_append_function': NOTHING_SHARED,
    '0007_create_rebuilds': createRebuilds,
    '0008_create_archived_streams': createArchivedStreams,
    '0009_create_process_managers': createProcessManagers(types),
  };
}

/**
 * The migrations of a database on `backend`: the shared ones, each followed by the backend's own
 * step of the same name. Every backend keeps every name, so that a database records the same
 * history whichever backend opened it, and Kysely finds none of its past migrations missing.
 */
export function migrationsFor(backend: Pick<StoreBackend, 'columnTypes' | 'migrationSteps'>): Record<string, Migration> {
  const migrations = sharedMigrations(backend.columnTypes);
  for (const [name, step] of Object.entries(backend.migrationSteps)) {
    const shared = migrations[name];
    if (shared === undefined) throw new Error(`eventfold: the backend's migration step ${name} belongs to no migration.`);
    migrations[name] = {
      up: async (db) => {
        await shared.up(db);
        await step.up(db);
      },
      down: async (db) => {
        await step.down?.(db);
        await shared.down?.(db);
      },
    };
  }
  return migrations;
}

/**
 * Creates or upgrades eventfold's tables with Kysely's Migrator. Its bookkeeping lives in its own
 * tables, so an application may run its own Kysely migrations in the same database.
 */
export async function migrateToLatest(backend: StoreBackend): Promise<void> {
  const migrations = migrationsFor(backend);
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateOnce(backend.db, migrations, backend.migrationNamespace);
    } catch (error) {
      if (attempt >= 5 || !passesOnRetry(backend, error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

/**
 * Whether a failed migration ran into another process's migration at the same moment (two
 * processes opening a new database together), so that trying again settles it.
 */
function passesOnRetry(backend: StoreBackend, error: unknown): boolean {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    if (backend.isMigrationRace(current)) return true;
    if (/already exists|duplicate column/.test(String((current as Error).message))) return true;
  }
  return false;
}

async function migrateOnce(db: Kysely<any>, migrations: Record<string, Migration>, schema: string | undefined): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
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
