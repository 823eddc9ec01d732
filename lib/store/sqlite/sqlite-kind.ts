import { Kysely, SqliteDialect } from 'kysely';
import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import { MAX_TIMER_DELAY_MS } from '../../validation/timer-delay';
import { adapterIs, type BackendKind } from '../backend/backend-kind';
import { describeValue } from '../describe-value';
import type { EventStoreOptions } from '../event-store-options';
import type { EventfoldTables } from '../schema';
import { ArrayRowStatements } from './array-row-statements';
import { openSqliteDatabase } from './open-sqlite-database';
import { SqliteBackend } from './sqlite-backend';
import type { SqliteOptions } from './sqlite-options';
import { StatementCache } from './statement-cache';

/** The longest busy timeout SQLite takes: it keeps the milliseconds in a 32-bit integer, as Node's timers do. */
const MAX_BUSY_TIMEOUT_MS = MAX_TIMER_DELAY_MS;

/** SQLite: `{ sqlite: 'file.db' }`, or any Kysely dialect whose adapter is Kysely's SQLite adapter. */
export const SQLITE: BackendKind = {
  option: 'sqlite',
  dialectName: 'SqliteDialect',
  open(options: EventStoreOptions): SqliteBackend {
    const sqliteOptions = options as SqliteOptions;
    checkSqliteOptions(sqliteOptions);
    const database = openSqliteDatabase(sqliteOptions);
    const dialect = new SqliteDialect({ database: new StatementCache(database, sqliteOptions.sqlite) });
    return new SqliteBackend(new Kysely<EventfoldTables>({ dialect }), sqliteOptions.sqlite, new ArrayRowStatements(database, sqliteOptions.sqlite));
  },
  speaks: (adapter) => adapterIs(adapter, 'SqliteAdapter'),
  fromDialect: (dialect, label) => new SqliteBackend(new Kysely<EventfoldTables>({ dialect }), label),
};

function checkSqliteOptions(options: SqliteOptions): void {
  const file: unknown = options.sqlite;
  if (typeof file !== 'string' || file === '') {
    throw new InvalidArgumentError('options.sqlite', `expected a file name or ':memory:', got ${describeValue(file)}.`);
  }
  // SQLite reads a file name up to its first NUL character, so 'a\0b' would open a file named 'a'.
  if (file.includes('\0')) throw new InvalidArgumentError('options.sqlite', 'a file name cannot contain a NUL character (\\0).');
  if (options.durability !== undefined && options.durability !== 'normal' && options.durability !== 'full') {
    throw new InvalidArgumentError('options.durability', `expected 'normal' or 'full', got ${describeValue(options.durability)}.`);
  }
  const busy: unknown = options.busyTimeoutMs;
  if (busy !== undefined && (typeof busy !== 'number' || !Number.isSafeInteger(busy) || busy < 0 || busy > MAX_BUSY_TIMEOUT_MS)) {
    throw new InvalidArgumentError('options.busyTimeoutMs', `expected whole milliseconds from 0 to ${MAX_BUSY_TIMEOUT_MS}, got ${describeValue(busy)}.`);
  }
}
