import type { CompiledQuery, Kysely, RawBuilder } from 'kysely';
import type { EventLogQueries, StoredRow } from '../event-log-queries';
import type { PreparedEvent } from '../prepare-events';
import type { EventfoldTables } from '../schema';
import { tupleOfStoredRow, type StoredEventTuple } from '../stored-event-tuple';
import type { StreamRef } from '../stream-ref';
import type { AppendOutcome, AppendTry, InsertedEvents } from './append-try';
import type { StoreBackend } from './store-backend';
import type { UniqueViolation } from './unique-violation';

/**
 * A store's backend seen from inside one of its transactions, which someone else opened and will
 * commit (a process manager's step): every read and append goes through `trx`, so that what a
 * step loads and writes commits or rolls back with the rest of the step.
 *
 * Only what reading and appending need is offered: opening, migrating, listening and closing
 * belong to the store itself, and throw here.
 */
export class TransactionBackend implements StoreBackend {
  /** Tells `appendToStream` that a failed try cannot be looked into or retried: the transaction is the caller's, and on PostgreSQL it is aborted. */
  readonly insideTransaction = true;
  readonly name: string;
  readonly label: string;
  readonly queries: EventLogQueries;

  constructor(
    private readonly outer: StoreBackend,
    readonly db: Kysely<EventfoldTables>,
  ) {
    this.name = outer.name;
    this.label = outer.label;
    this.queries = outer.queries;
  }

  get tableCopies(): StoreBackend['tableCopies'] {
    return this.outer.tableCopies;
  }

  get columnTypes(): StoreBackend['columnTypes'] {
    return this.outer.columnTypes;
  }

  get migrationSteps(): StoreBackend['migrationSteps'] {
    return this.outer.migrationSteps;
  }

  get migrationNamespace(): string | undefined {
    return this.outer.migrationNamespace;
  }

  /** Through the transaction: on SQLite the store's one connection is busy with it, and anything else would wait for its end. */
  async readEventRows(query: CompiledQuery<StoredRow>): Promise<StoredEventTuple[]> {
    return (await this.db.executeQuery(query)).rows.map(tupleOfStoredRow);
  }

  append(attempt: AppendTry): Promise<AppendOutcome> {
    return this.outer.appendInTransaction(this.db, attempt, []);
  }

  async appendWith(
    attempt: AppendTry,
    locks: readonly string[],
    alsoInTransaction: (trx: Kysely<EventfoldTables>, outcome: AppendOutcome) => Promise<void>,
  ): Promise<AppendOutcome> {
    const outcome = await this.outer.appendInTransaction(this.db, attempt, locks);
    await alsoInTransaction(this.db, outcome);
    return outcome;
  }

  holdLogForAppends(trx: Kysely<EventfoldTables>): Promise<void> {
    return this.outer.holdLogForAppends(trx);
  }

  appendInTransaction(trx: Kysely<EventfoldTables>, attempt: AppendTry, locks: readonly string[]): Promise<AppendOutcome> {
    return this.outer.appendInTransaction(trx, attempt, locks);
  }

  /** Already in one: the work joins it. */
  transaction<T>(work: (trx: Kysely<EventfoldTables>) => Promise<T>): Promise<T> {
    return work(this.db);
  }

  insertTombstone(trx: Kysely<EventfoldTables>, stream: StreamRef, tombstone: PreparedEvent, locks: readonly string[]): Promise<InsertedEvents> {
    return this.outer.insertTombstone(trx, stream, tombstone, locks);
  }

  /** Nothing is committed yet: whoever commits the transaction announces its writes. */
  announceWrite(): void {}

  leaseClock(): RawBuilder<number> {
    return this.outer.leaseClock();
  }

  watchAppends(): Promise<() => Promise<void>> {
    return Promise.reject(notHere('watch appends'));
  }

  findHorizonStall(): Promise<undefined> {
    return Promise.reject(notHere('look for a stalled horizon'));
  }

  createNamespace(): Promise<void> {
    return Promise.reject(notHere('create a schema'));
  }

  uniqueViolationOf(error: unknown): UniqueViolation {
    return this.outer.uniqueViolationOf(error);
  }

  isMigrationRace(error: unknown): boolean {
    return this.outer.isMigrationRace(error);
  }

  openFailureReason(cause: unknown): string {
    return this.outer.openFailureReason(cause);
  }

  close(): Promise<void> {
    return Promise.reject(notHere('close the store'));
  }
}

function notHere(what: string): Error {
  return new Error(`eventfold: cannot ${what} from inside a transaction; this is a bug in eventfold.`);
}
