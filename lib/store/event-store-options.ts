import type { Dialect } from 'kysely';
import type { AggregateClass } from '../aggregates/aggregate-class';
import type { EventClass } from '../events/event-class';
import type { PostgresOptions } from './postgres/postgres-options';
import type { SqliteOptions } from './sqlite/open-sqlite-database';

/** Options every kind of store accepts. */
export interface CommonStoreOptions {
  /** Event classes to register up front, so that reading the log can decode them. */
  events?: EventClass[];
  /** Aggregate classes whose `@Apply` event classes should be registered up front. */
  aggregates?: AggregateClass[];
  /** Create or upgrade eventfold's tables when opening. Defaults to true. */
  migrate?: boolean;
  /** Rows fetched per query when reading. Defaults to 500. */
  pageSize?: number;
  /**
   * Told when a snapshot could not be written after a successful save (the save still
   * succeeds). Defaults to a process warning.
   */
  onSnapshotError?: (error: unknown) => void;
}

/**
 * A Kysely dialect, described by shape so that one made with Kysely's ES module build type-checks
 * as well as one made with its CommonJS build.
 */
export type KyselyDialect =
  | Dialect
  | {
      createDriver(): unknown;
      createQueryCompiler(): unknown;
      createAdapter(): object;
      createIntrospector(db: never): unknown;
    };

/** Options of a store on any Kysely dialect. */
export interface DialectOptions {
  /** The Kysely dialect to reach the database through. The store owns it and closes it. */
  dialect: KyselyDialect;
}

/**
 * Options of {@link EventStore.open}: `{ sqlite: 'file.db' }` for the embedded default,
 * `{ postgres: 'postgres://…' }` for PostgreSQL, or `{ dialect }` for any Kysely dialect.
 */
export type EventStoreOptions = (SqliteOptions | PostgresOptions | DialectOptions) & CommonStoreOptions;
