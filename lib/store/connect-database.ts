import { Kysely, sql, SqliteDialect, type Dialect, type RawBuilder } from 'kysely';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { appendHooksFor, type AppendHooks } from './append-hooks';
import type { EventStoreOptions } from './event-store-options';
import { migrateToLatest } from './migrations/migrate-to-latest';
import { createPostgresDialect } from './postgres/create-postgres-dialect';
import { READABLE_HEAD } from './postgres/log-horizon';
import type { EventfoldTables } from './schema';
import { flavourOf, type SqlFlavour } from './sql-flavour';
import { describeValue } from './describe-value';
import type { PostgresPool } from './postgres/postgres-pool';
import { openSqliteDatabase } from './sqlite/open-sqlite-database';
import type { SqliteOptions } from './sqlite/sqlite-options';
import { StatementCache } from './sqlite/statement-cache';

/** A store's way into its database. */
export interface DatabaseConnection {
  readonly db: Kysely<EventfoldTables>;
  readonly flavour: SqlFlavour;
  /** How the database is named in messages (passwords hidden). */
  readonly label: string;
  readonly hooks: AppendHooks;
  /** PostgreSQL: how far readers of the whole log may read (see `postgres/log-horizon.ts`). */
  readonly readableHead?: RawBuilder<number>;
  /** PostgreSQL: the schema holding eventfold's tables. */
  readonly schema?: string;
  /** PostgreSQL: the pool, for listening to appends. */
  readonly pool?: PostgresPool;
}

/** The longest busy timeout SQLite takes: it keeps the milliseconds in a 32-bit integer. */
const MAX_BUSY_TIMEOUT_MS = 2 ** 31 - 1;

/** The methods every Kysely dialect has. */
const DIALECT_METHODS = ['createDriver', 'createQueryCompiler', 'createAdapter', 'createIntrospector'] as const;

/** Opens the database the options name; throws {@link InvalidArgumentError} for options that name none. */
export function connectDatabase(options: EventStoreOptions): DatabaseConnection {
  if ('sqlite' in options && options.sqlite !== undefined) {
    checkSqliteOptions(options);
    const database = openSqliteDatabase(options);
    const db = new Kysely<EventfoldTables>({ dialect: new SqliteDialect({ database: new StatementCache(database, options.sqlite) }) });
    return { db, flavour: 'sqlite', label: options.sqlite, hooks: appendHooksFor('sqlite', db, undefined) };
  }
  if ('postgres' in options && options.postgres !== undefined) {
    const { dialect, pool, schema, label } = createPostgresDialect(options);
    const db = new Kysely<EventfoldTables>({ dialect });
    return { db, flavour: 'postgres', label, hooks: appendHooksFor('postgres', db, schema), readableHead: READABLE_HEAD, schema, pool };
  }
  if ('dialect' in options && options.dialect !== undefined) {
    const { dialect, flavour } = checkDialect(options.dialect);
    const db = new Kysely<EventfoldTables>({ dialect });
    const readableHead = flavour === 'postgres' ? READABLE_HEAD : undefined;
    return { db, flavour, label: `(${dialect.constructor.name})`, hooks: appendHooksFor(flavour, db, undefined), readableHead };
  }
  throw new InvalidArgumentError('options', "expected { sqlite: 'file.db' }, { postgres: 'postgres://…' } or { dialect } with a Kysely dialect.");
}

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

/** The dialect and the database it speaks to, once it has the methods of a Kysely dialect. */
function checkDialect(dialect: unknown): { dialect: Dialect; flavour: SqlFlavour } {
  const candidate = dialect as Record<string, unknown> | null;
  const missing = DIALECT_METHODS.filter((method) => typeof candidate?.[method] !== 'function');
  if (typeof dialect !== 'object' || dialect === null || missing.length > 0) {
    throw new InvalidArgumentError(
      'options.dialect',
      `expected a Kysely dialect such as new SqliteDialect({ database }), got ${describeValue(dialect)}${
        typeof dialect === 'object' && dialect !== null ? ` without ${missing.join(', ')}` : ''
      }.`,
    );
  }
  const adapter: unknown = (dialect as Dialect).createAdapter();
  if (typeof adapter !== 'object' || adapter === null) {
    throw new InvalidArgumentError('options.dialect', `its createAdapter() returned ${describeValue(adapter)} instead of a Kysely adapter.`);
  }
  return { dialect: dialect as Dialect, flavour: flavourOf(adapter) };
}

/** Creates the PostgreSQL schema if needed, then creates or upgrades eventfold's tables. */
export async function prepareDatabase(connection: DatabaseConnection): Promise<void> {
  if (connection.schema !== undefined) {
    try {
      await sql`create schema if not exists ${sql.id(connection.schema)}`.execute(connection.db);
    } catch (error) {
      // Two processes creating the schema at once: the loser's "already exists" is success.
      if ((error as { code?: string }).code !== '23505' && (error as { code?: string }).code !== '42P06') throw error;
    }
  }
  await migrateToLatest(connection.db, connection.schema);
}

/**
 * Error codes that mean the server was never reached or refused the session: Node's network
 * errors, and PostgreSQL's "database does not exist", authentication and "starting up" states.
 */
const CONNECTION_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', '3D000', '28000', '28P01', '57P03']);

/** Why preparing the database failed, worded for the person who has to fix it. */
export function openFailureReason(cause: unknown): string {
  const { code, message } = cause as { code?: string; message?: string };
  const detail = message || String(cause);
  if (code !== undefined && CONNECTION_FAILURES.has(code)) {
    return `could not connect (${detail}); check that the server is running and that the host, port, user, password and database name are right.`;
  }
  return `its schema could not be created or upgraded: ${detail}`;
}
