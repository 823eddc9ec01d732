import { sql, type CompiledQuery, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { AppendOutcome, AppendTry, InsertedEvents } from '../backend/append-try';
import { DELETED_STREAM_VERSION } from '../lifecycle/deleted-stream-version';
import { StreamDeletedError } from '../lifecycle/stream-deleted-error';
import type { PreparedEvent } from '../prepare-events';
import type { StreamRef } from '../stream-ref';
import { ConcurrencyError } from '../concurrency-error';
import { currentVersion } from '../current-version';
import { matchesExpectedVersion } from '../expected-version';
import type { ColumnTypes } from '../backend/column-types';
import { schemaFailureReason } from '../backend/open-failure-reason';
import type { StoreBackend } from '../backend/store-backend';
import type { UniqueViolation } from '../backend/unique-violation';
import { EventLogQueries, type StoredRow } from '../event-log-queries';
import type { EventfoldTables } from '../schema';
import { tupleOfStoredRow, type StoredEventTuple } from '../stored-event-tuple';
import type { ArrayRowStatements } from './array-row-statements';
import { inImmediateTransaction } from './immediate-transaction';
import { insertEvents } from './insert-events';
import { isSqliteMigrationRace, sqliteUniqueViolationOf } from './sqlite-errors';
import { sqliteTableCopies } from './sqlite-table-copies';

/** On SQLite `integer primary key` makes position the rowid: the cheapest monotonic order there is. */
const SQLITE_COLUMN_TYPES: ColumnTypes = { serial: 'integer', bigint: 'integer', json: 'text', timestamp: 'text' };

const NO_STEPS: Readonly<Record<string, Migration>> = Object.freeze({});

/**
 * The store on SQLite. One writer at a time holds the file's write lock, taken at the start of
 * each write transaction, so an append's version check and insert see the same stream and
 * positions are handed out in commit order: every committed event is readable at once.
 */
export class SqliteBackend implements StoreBackend {
  readonly name = 'sqlite';
  readonly queries: EventLogQueries;
  readonly columnTypes = SQLITE_COLUMN_TYPES;
  readonly tableCopies = sqliteTableCopies;
  readonly migrationSteps = NO_STEPS;
  readonly migrationNamespace = undefined;

  constructor(
    readonly db: Kysely<EventfoldTables>,
    readonly label: string,
    /** Array rows straight from better-sqlite3; absent on a dialect the application made, whose database may be another driver. */
    private readonly arrayRows?: ArrayRowStatements,
  ) {
    this.queries = new EventLogQueries(db, undefined);
  }

  readEventRows(query: CompiledQuery<StoredRow>): Promise<StoredEventTuple[]> {
    const { arrayRows } = this;
    if (arrayRows === undefined) return this.db.executeQuery(query).then(({ rows }) => rows.map(tupleOfStoredRow));
    // Through Kysely's one connection, so that the read waits, as Kysely's own queries do, for a
    // transaction in progress to end instead of seeing its uncommitted rows.
    return this.db.connection().execute(async () => arrayRows.all(query.sql, query.parameters) as unknown as StoredEventTuple[]);
  }

  append(attempt: AppendTry): Promise<AppendOutcome> {
    // The write lock is held from the transaction's start, so the stream needs no lock of its own.
    return this.transaction((trx) => this.appendIn(trx, attempt));
  }

  /** The write lock, held from the transaction's start, orders every append: `locks` need nothing more. */
  appendWith(
    attempt: AppendTry,
    _locks: readonly string[],
    alsoInTransaction: (trx: Kysely<EventfoldTables>, outcome: AppendOutcome) => Promise<void>,
  ): Promise<AppendOutcome> {
    return this.transaction(async (trx) => {
      const outcome = await this.appendIn(trx, attempt);
      await alsoInTransaction(trx, outcome);
      return outcome;
    });
  }

  /** Every write transaction holds the write lock from its start: nothing more to take. */
  async holdLogForAppends(): Promise<void> {}

  /** The caller's transaction holds the write lock already: `locks` need nothing more. */
  appendInTransaction(trx: Kysely<EventfoldTables>, attempt: AppendTry, _locks: readonly string[]): Promise<AppendOutcome> {
    return this.appendIn(trx, attempt);
  }

  private async appendIn(trx: Kysely<EventfoldTables>, attempt: AppendTry): Promise<AppendOutcome> {
    const { stream, expected, events } = attempt;
    const fromVersion = await currentVersion(trx, this.queries, stream);
    // SQLite's integers have room past the tombstone's version: the refusal has to be said.
    if (fromVersion === DELETED_STREAM_VERSION) throw new StreamDeletedError(stream, 'append to');
    if (!matchesExpectedVersion(expected, fromVersion)) throw new ConcurrencyError(stream, expected, fromVersion);
    const { positions, recordedAt } = await insertEvents(trx, this.queries, stream, fromVersion, events);
    return { fromVersion, positions, recordedAt };
  }

  transaction<T>(work: (trx: Kysely<EventfoldTables>) => Promise<T>): Promise<T> {
    return inImmediateTransaction(this.db, work);
  }

  /** Under the write lock, the next rowid is after every event: the tombstone is inserted as an append's events are. */
  /** The write lock, held from the transaction's start, orders every write: `locks` need nothing more. */
  insertTombstone(trx: Kysely<EventfoldTables>, stream: StreamRef, tombstone: PreparedEvent, _locks: readonly string[]): Promise<InsertedEvents> {
    return insertEvents(trx, this.queries, stream, DELETED_STREAM_VERSION - 1, [tombstone]);
  }

  /** SQLite tells no one of commits: readers poll. */
  announceWrite(): void {}

  /** Processes sharing an SQLite file share a machine, and so a clock. */
  leaseClock(): RawBuilder<number> {
    return sql<number>`${Date.now()}`;
  }

  /** SQLite tells no one of commits: readers poll. */
  async watchAppends(): Promise<() => Promise<void>> {
    return async () => undefined;
  }

  /** Every committed event is readable at once: nothing can hold readers back. */
  async findHorizonStall(): Promise<undefined> {
    return undefined;
  }

  /** An SQLite file needs nothing before its tables. */
  async createNamespace(): Promise<void> {}

  uniqueViolationOf(error: unknown): UniqueViolation {
    return sqliteUniqueViolationOf(error);
  }

  isMigrationRace(error: unknown): boolean {
    return isSqliteMigrationRace(error);
  }

  openFailureReason(cause: unknown): string {
    return schemaFailureReason(cause);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
