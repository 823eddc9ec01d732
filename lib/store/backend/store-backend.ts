import type { CompiledQuery, Kysely, Migration, RawBuilder } from 'kysely';
import type { EventLogQueries, StoredRow } from '../event-log-queries';
import type { HorizonStall } from '../postgres/horizon-stall';
import type { InAppendTransaction } from '../in-append-transaction';
import type { EventfoldTables } from '../schema';
import type { StoredEventTuple } from '../stored-event-tuple';
import type { UniqueViolation } from './unique-violation';
import type { PreparedEvent } from '../prepare-events';
import type { StreamRef } from '../stream-ref';
import type { AppendOutcome, AppendTry, InsertedEvents } from './append-try';
import type { ColumnTypes } from './column-types';
import type { TableCopies } from './table-copies';

/**
 * Everything the store does differently on one kind of database, behind one interface: each
 * implementation lives in a folder of its own (`sqlite/`, `postgres/`), and the rest of the
 * store, the subscriptions and the command line speak only to this.
 *
 * What the backends share is written once with Kysely: reads, checkpoint and dead-letter writes,
 * and their upserts, in the SQL both databases understand (`ON CONFLICT`, `RETURNING`).
 */
export interface StoreBackend {
  /** The kind of database, for messages and internal checks: `'sqlite'`, `'postgres'`. */
  readonly name: string;
  /**
   * Whether this is the view from inside a transaction that the caller commits
   * (`transaction-backend.ts`): a failed append there cannot be looked into or tried again.
   */
  readonly insideTransaction?: boolean;
  /** How the database is named in messages (passwords hidden). */
  readonly label: string;
  /** The Kysely instance over the database, typed with eventfold's own tables. */
  readonly db: Kysely<EventfoldTables>;
  /** The event log's queries, compiled for this database once (reads stop at its readable head). */
  readonly queries: EventLogQueries;

  /**
   * Runs one of the log's page queries ({@link EventLogQueries.pageOfLog},
   * {@link EventLogQueries.pageOfStream}) and returns its rows as tuples, in the order it selects
   * the columns. Reading the whole log is mostly this, so each database hands its rows over the
   * cheapest way it has.
   */
  readEventRows(query: CompiledQuery<StoredRow>): Promise<StoredEventTuple[]>;

  /**
   * One try of an append: the expected-version check and the insert, in one transaction that it
   * commits. Throws a {@link ConcurrencyError} when the stream is at another version, and lets a
   * unique-constraint failure through (see {@link StoreBackend.uniqueViolationOf}) for the
   * caller to settle.
   */
  append(attempt: AppendTry): Promise<AppendOutcome>;
  /**
   * {@link StoreBackend.append} in a transaction that also runs `alsoInTransaction` after the
   * insert and before the commit; when it throws, nothing of the append is committed. Before the
   * append it takes `locks` (see {@link InAppendTransaction.locksFor}), where appends would
   * otherwise run side by side. Used only when the store has inline projections: on PostgreSQL it
   * costs a BEGIN and a COMMIT around the one-statement append.
   */
  appendWith(
    attempt: AppendTry,
    locks: readonly string[],
    alsoInTransaction: (trx: Kysely<EventfoldTables>, outcome: AppendOutcome) => Promise<void>,
  ): Promise<AppendOutcome>;
  /**
   * Makes `trx`, a transaction of {@link StoreBackend.transaction} that has not written yet, one
   * that may append any number of times, in between any other work: it must be the
   * transaction's first statement. On SQLite the write lock does that already; on PostgreSQL it
   * holds the lock appends draw positions under until the commit (`postgres/append-holding-log.ts`).
   */
  holdLogForAppends(trx: Kysely<EventfoldTables>): Promise<void>;
  /**
   * One try of an append inside `trx`, a transaction that began with
   * {@link StoreBackend.holdLogForAppends} and that the caller commits (a process manager's step):
   * the expected-version check and the insert, after taking `locks` as
   * {@link StoreBackend.appendWith} does.
   */
  appendInTransaction(trx: Kysely<EventfoldTables>, attempt: AppendTry, locks: readonly string[]): Promise<AppendOutcome>;
  /**
   * Runs `work` in one write transaction. It must never fail half-way for want of a lock the
   * database could have waited for (SQLite takes its write lock up front).
   */
  transaction<T>(work: (trx: Kysely<EventfoldTables>) => Promise<T>): Promise<T>;
  /**
   * Writes a deleted stream's tombstone (`lifecycle/delete-stream.ts`) in `trx`, a transaction of
   * {@link StoreBackend.transaction}, as its first write: the event at
   * `DELETED_STREAM_VERSION`, at a position after every event committed or still being written.
   * Before the insert it takes `locks`, the inline projections the tombstone runs, as
   * {@link StoreBackend.appendWith} does.
   */
  insertTombstone(trx: Kysely<EventfoldTables>, stream: StreamRef, tombstone: PreparedEvent, locks: readonly string[]): Promise<InsertedEvents>;
  /** Tells other processes, where the database can, that an event was written outside `append` (a tombstone), once it has committed. */
  announceWrite(): void;

  /** Milliseconds since 1970 by the clock leases are measured with, read inside the query. */
  leaseClock(): RawBuilder<number>;
  /**
   * Calls `onAppend` whenever another process may have appended. Resolves to a function that
   * stops listening. Where the database offers no such signal, nothing calls back and readers poll.
   */
  watchAppends(onAppend: () => void, onError: (error: unknown) => void): Promise<() => Promise<void>>;
  /** Committed events that readers cannot see yet, and what holds them back; undefined when none can be. */
  findHorizonStall(): Promise<HorizonStall | undefined>;

  /** Copies of read-model tables, for projections rebuilt beside the tables the application reads. */
  readonly tableCopies: TableCopies;
  /** The column types of eventfold's tables here. */
  readonly columnTypes: ColumnTypes;
  /**
   * Work that only this database needs, by the name of the shared migration it belongs to; it
   * runs after the shared part of that migration.
   */
  readonly migrationSteps: Readonly<Record<string, Migration>>;
  /** Where Kysely's migration bookkeeping lives (PostgreSQL: the store's schema). */
  readonly migrationNamespace: string | undefined;
  /** Creates what must exist before eventfold's tables can be (PostgreSQL: the schema). */
  createNamespace(): Promise<void>;

  /** Which unique constraint of the event log an error reports breaking, if any. */
  uniqueViolationOf(error: unknown): UniqueViolation;
  /** Whether a migration failed on another process's migration at the same moment, so that trying again settles it. */
  isMigrationRace(error: unknown): boolean;
  /** Why the database could not be opened or prepared, worded for the person who has to fix it. */
  openFailureReason(cause: unknown): string;

  /** Finishes work still under way after appends, then closes the database. */
  close(): Promise<void>;
}
