import { sql, type CompiledQuery, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { AppendOutcome, AppendTry, InsertedEvents } from '../backend/append-try';
import type { PreparedEvent } from '../prepare-events';
import type { StreamRef } from '../stream-ref';
import { insertTombstone } from './insert-tombstone';
import type { ColumnTypes } from '../backend/column-types';
import { errorCodeOf } from '../backend/error-code';
import type { StoreBackend } from '../backend/store-backend';
import type { UniqueViolation } from '../backend/unique-violation';
import { ConcurrencyError } from '../concurrency-error';
import { currentVersion } from '../current-version';
import { EventLogQueries, type StoredRow } from '../event-log-queries';
import { STREAM_EXISTS } from '../expected-version';
import type { EventfoldTables } from '../schema';
import { tupleOfStoredRow, type StoredEventTuple } from '../stored-event-tuple';
import { addTransactionIds } from './add-transaction-ids';
import { appendChannel } from './append-channel';
import { AppendNotifier } from './append-notifier';
import { findHorizonStall } from './find-horizon-stall';
import type { HorizonStall } from './horizon-stall';
import { appendInOneCall } from './append-in-one-call';
import { appendHoldingLog, holdLogForAppends } from './append-holding-log';
import { lockInlineWork } from './lock-inline-work';
import { addAppendFunction } from './add-append-function';
import { listenForAppends } from './listen-for-appends';
import { READABLE_HEAD } from './log-horizon';
import { isPostgresMigrationRace, postgresOpenFailureReason, postgresUniqueViolationOf } from './postgres-errors';
import type { ListenConnection } from './listen-connection';
import { postgresTableCopies } from './postgres-table-copies';

const POSTGRES_COLUMN_TYPES: ColumnTypes = { serial: 'bigserial', bigint: 'bigint', json: 'jsonb', timestamp: 'timestamptz' };

const POSTGRES_STEPS: Readonly<Record<string, Migration>> = Object.freeze({
  '0005_add_transaction_ids': addTransactionIds,
  '0006_add_append_function': addAppendFunction,
});

/** Where the store's tables live, and the pool to listen on for other processes' appends. */
export interface PostgresPlace {
  /** The schema holding eventfold's tables; the store creates it when it opens. Undefined for a dialect the application made, whose search path decides. */
  readonly schema: string | undefined;
  /** Opens the connection to listen for appends on; without it (a dialect the application made), readers poll. */
  readonly listenConnection: (() => Promise<ListenConnection>) | undefined;
}

/**
 * The store on PostgreSQL. Each append is one statement that commits on its own, side by side
 * with other appends; positions and transaction ids are drawn together, one append at a time, so
 * that readers of the whole log can keep one order, stopping at the readable head (see
 * `log-horizon.ts`). Other processes hear of appends through
 * LISTEN/NOTIFY once they have committed ({@link AppendNotifier}), and leases are timed by the
 * server's clock, the one clock that processes on different machines share.
 */
export class PostgresBackend implements StoreBackend {
  readonly name = 'postgres';
  readonly queries: EventLogQueries;
  readonly columnTypes = POSTGRES_COLUMN_TYPES;
  readonly tableCopies = postgresTableCopies;
  readonly migrationSteps = POSTGRES_STEPS;
  private readonly notifier: AppendNotifier;
  /** The LISTEN/NOTIFY channel of the schema's appends. */
  private readonly channel: string;

  constructor(
    readonly db: Kysely<EventfoldTables>,
    readonly label: string,
    private readonly place: PostgresPlace,
  ) {
    this.queries = new EventLogQueries(db, READABLE_HEAD);
    this.channel = appendChannel(place.schema ?? 'public');
    this.notifier = new AppendNotifier(db, this.channel);
  }

  get migrationNamespace(): string | undefined {
    return this.place.schema;
  }

  /** A round trip costs far more than making tuples of the rows `pg` returns. */
  async readEventRows(query: CompiledQuery<StoredRow>): Promise<StoredEventTuple[]> {
    return (await this.db.executeQuery(query)).rows.map(tupleOfStoredRow);
  }

  /**
   * One statement, `eventfold_append`, which commits on its own: see `append-function-sql.ts`.
   * An append expecting {@link STREAM_EXISTS} first reads whether the stream has events, as the
   * function takes no such expectation. A stream with events keeps them unless it is deleted, and
   * an append to a deleted stream fails anyway, so the read cannot go stale.
   */
  async append(attempt: AppendTry): Promise<AppendOutcome> {
    await this.assertStreamExistsIfExpected(this.db, attempt);
    const outcome = await appendInOneCall(this.db, attempt);
    this.notifier.notify();
    return outcome;
  }

  /**
   * The same `eventfold_append` call, in a transaction of its own with `alsoInTransaction` after
   * it. The call reserves positions before anything else the transaction writes, as the log's
   * horizon needs; the transaction stays open while the inline work runs, which holds the
   * readable head back for that long.
   *
   * `locks` are taken first (see {@link lockInlineWork}): appends commit side by side here, and
   * two of them folding into one read-model row at once would each write back what it read, one
   * losing the other's change.
   */
  async appendWith(
    attempt: AppendTry,
    locks: readonly string[],
    alsoInTransaction: (trx: Kysely<EventfoldTables>, outcome: AppendOutcome) => Promise<void>,
  ): Promise<AppendOutcome> {
    const outcome = await this.db.transaction().execute(async (trx) => {
      await this.assertStreamExistsIfExpected(trx, attempt);
      if (locks.length > 0) await lockInlineWork(trx, locks);
      const inserted = await appendInOneCall(trx, attempt);
      await alsoInTransaction(trx, inserted);
      return inserted;
    });
    this.notifier.notify();
    return outcome;
  }

  /** Holds the log's append lock until `trx` ends: see `append-holding-log.ts`. */
  holdLogForAppends(trx: Kysely<EventfoldTables>): Promise<void> {
    return holdLogForAppends(trx);
  }

  /**
   * An append in a transaction that began with {@link PostgresBackend.holdLogForAppends}: no other
   * append inserts meanwhile, so the version check holds until the insert. The caller announces
   * the append once it has committed.
   */
  async appendInTransaction(trx: Kysely<EventfoldTables>, attempt: AppendTry, locks: readonly string[]): Promise<AppendOutcome> {
    await this.assertStreamExistsIfExpected(trx, attempt);
    if (locks.length > 0) await lockInlineWork(trx, locks);
    return appendHoldingLog(trx, this.queries, attempt);
  }

  transaction<T>(work: (trx: Kysely<EventfoldTables>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }

  /** Through `eventfold_reserve`, as appends draw their positions: see `insert-tombstone.ts`. */
  async insertTombstone(trx: Kysely<EventfoldTables>, stream: StreamRef, tombstone: PreparedEvent, locks: readonly string[]): Promise<InsertedEvents> {
    if (locks.length > 0) await lockInlineWork(trx, locks);
    return insertTombstone(trx, stream, tombstone);
  }

  announceWrite(): void {
    this.notifier.notify();
  }

  /** `eventfold_append` takes no "stream exists" expectation: it gets "any" after this check. */
  private async assertStreamExistsIfExpected(db: Kysely<EventfoldTables>, attempt: AppendTry): Promise<void> {
    if (attempt.expected !== STREAM_EXISTS) return;
    const version = await currentVersion(db, this.queries, attempt.stream);
    if (version === 0) throw new ConcurrencyError(attempt.stream, STREAM_EXISTS, 0);
  }

  leaseClock(): RawBuilder<number> {
    return sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;
  }

  async watchAppends(onAppend: () => void, onError: (error: unknown) => void): Promise<() => Promise<void>> {
    const { listenConnection } = this.place;
    if (!listenConnection) return async () => undefined;
    return listenForAppends(listenConnection, this.channel, onAppend, onError);
  }

  findHorizonStall(): Promise<HorizonStall | undefined> {
    return findHorizonStall(this.db);
  }

  async createNamespace(): Promise<void> {
    const { schema } = this.place;
    if (schema === undefined) return;
    try {
      await sql`create schema if not exists ${sql.id(schema)}`.execute(this.db);
    } catch (error) {
      // Two processes creating the schema at once: the loser's "already exists" is success.
      const code = errorCodeOf(error);
      if (code !== '23505' && code !== '42P06') throw error;
    }
  }

  uniqueViolationOf(error: unknown): UniqueViolation {
    return postgresUniqueViolationOf(error);
  }

  isMigrationRace(error: unknown): boolean {
    return isPostgresMigrationRace(error);
  }

  openFailureReason(cause: unknown): string {
    return postgresOpenFailureReason(cause);
  }

  async close(): Promise<void> {
    await this.notifier.settled();
    await this.db.destroy();
  }
}
