import type { Dialect } from 'kysely';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { AggregateClass } from '../aggregates/aggregate-class';
import type { EventClass } from '../events/event-class';
import { BACKEND_KINDS } from './backend/backend-kinds';
import { databaseChoices } from './backend/open-backend';
import { describeValue } from './describe-value';
import type { PostgresOptions } from './postgres/postgres-options';
import { checkPageSize } from './read-options';
import type { SqliteOptions } from './sqlite/sqlite-options';

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
   * succeeds), or could not be restored by a load (a `SnapshotRestoreError`; the load replays the
   * whole stream instead). Defaults to a process warning.
   */
  onSnapshotError?: (error: unknown) => void;
  /**
   * Projections run inside each append's own transaction: instances of `@Projection` or
   * `@FoldProjection` classes whose read model is up to date the moment an append (or a
   * repository's save) returns. A projection that throws fails the append, and neither its events
   * nor any read-model change is kept. Each one makes every append of the store pay for its
   * writes; see "Inline projections" in the projections guide for when that is worth it.
   *
   * @example
   * ```ts
   * const store = await EventStore.open({ sqlite: 'app.db', inlineProjections: [new OrderStatus()] });
   * ```
   */
  inlineProjections?: readonly object[];
  /**
   * OpenTelemetry traces and metrics through `@opentelemetry/api` (see docs/observability.md).
   * They cost next to nothing while the application installs no OpenTelemetry SDK; `false`
   * turns them off for this store even when one is installed. Defaults to true.
   *
   * @example
   * ```ts
   * const store = await EventStore.open({ sqlite: 'app.db', telemetry: false });
   * ```
   */
  telemetry?: boolean;
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

/**
 * Checks the options every kind of store shares, and that exactly one database is named, before
 * anything is opened. The database options themselves are checked where they are used
 * ({@link openBackend}).
 *
 * @example
 * ```ts
 * checkStoreOptions({ sqlite: 'app.db', events: {} }); // throws InvalidArgumentError: options.events
 * ```
 */
export function checkStoreOptions(options: unknown): asserts options is EventStoreOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError('options', `expected ${databaseChoices()}, got ${describeValue(options)}.`);
  }
  const given = options as Record<string, unknown>;
  // The options that say which database a store opens; exactly one of them is given.
  const databaseOptions = [...BACKEND_KINDS.map((kind) => kind.option), 'dialect'];
  const named = databaseOptions.filter((name) => given[name] !== undefined);
  if (named.length > 1) {
    throw new InvalidArgumentError('options', `give one of ${databaseOptions.join(', ')}, not ${named.join(' and ')}.`);
  }
  for (const name of ['events', 'aggregates'] as const) {
    if (given[name] !== undefined && !Array.isArray(given[name])) {
      const example = name === 'events' ? '[OrderPlaced, OrderCancelled]' : '[Order]';
      throw new InvalidArgumentError(`options.${name}`, `expected an array of classes, e.g. ${example}, got ${describeValue(given[name])}.`);
    }
  }
  if (given.inlineProjections !== undefined && !Array.isArray(given.inlineProjections)) {
    throw new InvalidArgumentError(
      'options.inlineProjections',
      `expected an array of projection instances, e.g. [new OrderSummary()], got ${describeValue(given.inlineProjections)}.`,
    );
  }
  if (given.migrate !== undefined && typeof given.migrate !== 'boolean') {
    throw new InvalidArgumentError('options.migrate', `expected true or false, got ${describeValue(given.migrate)}.`);
  }
  if (given.telemetry !== undefined && typeof given.telemetry !== 'boolean') {
    throw new InvalidArgumentError('options.telemetry', `expected true or false, got ${describeValue(given.telemetry)}.`);
  }
  if (given.pageSize !== undefined) checkPageSize(given.pageSize, 'options.pageSize');
  if (given.onSnapshotError !== undefined && typeof given.onSnapshotError !== 'function') {
    throw new InvalidArgumentError('options.onSnapshotError', `expected a function (error) => void, got ${describeValue(given.onSnapshotError)}.`);
  }
}
