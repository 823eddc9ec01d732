import { CompiledQuery, PostgresDialect } from 'kysely';
import { Pool, types } from 'pg';
import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import { describeValue } from '../describe-value';
import { checkWholeNumber } from '../../validation/whole-number';
import { isPostgresUrl, redactPassword } from './connection-string';
import type { PostgresOptions } from './postgres-options';
import { dedicatedConnection, type ListenConnection } from './listen-connection';
import type { PostgresPool } from './postgres-pool';

/** Object ids of the PostgreSQL types whose parsing the store changes on pools it creates. */
const INT8 = 20;
const JSON_OID = 114;
const JSONB = 3802;

/** A PostgreSQL dialect for the store, and the pool behind it. */
export interface PostgresConnection {
  readonly dialect: PostgresDialect;
  /** Opens the connection a dispatcher listens for appends on. */
  readonly listenConnection: () => Promise<ListenConnection>;
  readonly schema: string;
  readonly label: string;
}

/**
 * Builds the Kysely dialect of a PostgreSQL store. Every connection gets the store's schema as
 * its search path. On a pool the store creates itself, JSON columns come back as text (the store
 * parses payloads itself, guarding against `__proto__` keys) and 64-bit integers as numbers
 * (positions stay far below 2^53).
 */
export function createPostgresDialect(options: PostgresOptions): PostgresConnection {
  // `undefined` takes the default; `null` is refused like any other value of the wrong type.
  const schema: unknown = options.schema === undefined ? 'public' : options.schema;
  if (typeof schema !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new InvalidArgumentError('options.schema', `expected a plain identifier (letters, digits, underscores), got ${describeValue(schema)}.`);
  }
  const poolSize = checkWholeNumber(options.poolSize === undefined ? 10 : options.poolSize, 'options.poolSize');
  let pool: PostgresPool;
  let label: string;
  let listenConnection: () => Promise<ListenConnection>;
  if (typeof options.postgres === 'string') {
    if (!isPostgresUrl(options.postgres)) {
      throw new InvalidArgumentError('options.postgres', 'expected a connection string such as postgres://user@localhost:5432/database, or a pg.Pool.');
    }
    pool = new Pool({ connectionString: options.postgres, max: poolSize, types: { getTypeParser } });
    label = redactPassword(options.postgres);
    listenConnection = dedicatedConnection(options.postgres);
  } else if (options.postgres instanceof Pool || typeof (options.postgres as PostgresPool | null)?.connect === 'function') {
    pool = options.postgres;
    label = '(pg.Pool)';
    // The application's pool, sized by the application: listening takes one of its connections.
    listenConnection = () => pool.connect();
  } else {
    throw new InvalidArgumentError('options.postgres', 'expected a connection string or a pg.Pool.');
  }
  const dialect = new PostgresDialect({
    // Kysely ends its pool when the store closes; a pool the application passed in stays its own.
    pool: typeof options.postgres === 'string' ? pool : { connect: () => pool.connect(), end: async () => undefined },
    // The schema was checked to be a plain identifier above, so quoting it is enough.
    onCreateConnection: async (connection) => {
      await connection.executeQuery(CompiledQuery.raw(`set search_path to "${schema}"`));
    },
  });
  return { dialect, listenConnection, schema, label: `${label} schema ${schema}` };
}

function getTypeParser(oid: number, format?: 'text' | 'binary') {
  if (oid === JSON_OID || oid === JSONB) return (value: string) => value;
  if (oid === INT8) return (value: string) => Number(value);
  return types.getTypeParser(oid, format);
}
