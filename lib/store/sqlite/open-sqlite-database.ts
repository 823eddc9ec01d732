import BetterSqlite3, { type Database } from 'better-sqlite3';
import { DatabaseOpenError } from '../database-open-error';
import { corruptionOr } from './database-corrupt-error';
import type { SqliteOptions } from './sqlite-options';

/**
 * Opens (creating if needed) an SQLite file for the event log, with the settings that let several
 * processes share it: write-ahead logging, so readers never block the writer, and a busy timeout,
 * so a second writer waits its turn instead of failing at once.
 *
 * @throws {@link DatabaseCorruptError} if the file is damaged or is not an SQLite database.
 * @throws {@link DatabaseOpenError} if it cannot be opened for another reason.
 */
export function openSqliteDatabase(options: SqliteOptions): Database {
  const file = options.sqlite;
  let database: Database;
  try {
    database = new BetterSqlite3(file);
  } catch (cause) {
    const corruption = corruptionOr(cause, file);
    if (corruption !== cause) throw corruption;
    throw new DatabaseOpenError(
      file,
      isMissingNativeModule(cause) ? MISSING_NATIVE_MODULE : `${(cause as Error).message}. Check that the folder exists and is writable.`,
      {
        cause,
      },
    );
  }
  try {
    const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
    // Reading the journal mode is the first read of the file header: a file that is not an
    // SQLite database fails here, not in the middle of an append.
    if (file !== ':memory:') switchToWal(database, busyTimeoutMs);
    database.pragma(`synchronous = ${options.durability === 'full' ? 'FULL' : 'NORMAL'}`);
  } catch (cause) {
    database.close();
    const corruption = corruptionOr(cause, file);
    if (corruption !== cause) throw corruption;
    throw new DatabaseOpenError(file, (cause as Error).message, { cause });
  }
  return database;
}

/**
 * Sets write-ahead logging. Two processes opening a new file at once can both hold a read lock
 * while each wants the write lock the switch needs; SQLite then answers one of them SQLITE_BUSY at
 * once, without its busy timeout, to break the deadlock. That one tries again, within the timeout.
 */
function switchToWal(database: Database, busyTimeoutMs: number): void {
  const giveUpAt = Date.now() + busyTimeoutMs;
  for (;;) {
    try {
      database.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() >= giveUpAt) throw error;
      // Opening is synchronous, so the pause is too; it happens only in this race.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

const MISSING_NATIVE_MODULE =
  "better-sqlite3's native module is missing: its install script did not run (npm holds back dependencies' install scripts until they are approved). " +
  'Run `npm install-scripts approve better-sqlite3` and then `npm rebuild better-sqlite3` in your project.';

/** better-sqlite3 loads its compiled module on first use, through `bindings`, which throws this. */
function isMissingNativeModule(cause: unknown): boolean {
  return cause instanceof Error && cause.message.startsWith('Could not locate the bindings file');
}
