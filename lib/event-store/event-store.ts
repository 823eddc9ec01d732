import type { AggregateClass } from '../aggregates/aggregate-class';
import { readAggregateDefinition } from '../aggregates/aggregate.decorator';
import type { AggregateRoot } from '../aggregates/aggregate-root';
import { readApplyHandlers } from '../aggregates/apply.decorator';
import { Repository } from '../aggregates/repository';
import { SnapshotRestoreError } from '../aggregates/snapshot-restore-error';
import { SnapshotStore } from '../aggregates/snapshot-store';
import type { EventClass } from '../events/event-class';
import type { Kysely } from 'kysely';
import { openBackend } from '../store/backend/open-backend';
import { TransactionBackend } from '../store/backend/transaction-backend';
import type { EventfoldTables } from '../store/schema';
import { prepareBackend } from '../store/backend/prepare-backend';
import type { StoreBackend } from '../store/backend/store-backend';
import { DatabaseOpenError } from '../store/database-open-error';
import { EventLog } from '../store/event-log';
import { checkStoreOptions, type CommonStoreOptions, type EventStoreOptions } from '../store/event-store-options';
import { DatabaseCorruptError } from '../store/sqlite/database-corrupt-error';
import { archiveStream, restoreStream } from '../store/lifecycle/archived-streams';
import { deleteReasonOf, deleteStream, type DeleteStreamOptions } from '../store/lifecycle/delete-stream';
import type { RecordedEvent } from '../store/recorded-event';
import { assertStreamRef, type StreamRef } from '../store/stream-ref';
import { InlineProjections } from '../subscriptions/inline/inline-projections';

/**
 * The event log: an append-only, globally ordered table of events, grouped into streams, in a
 * database reached through Kysely, with a repository for each kind of aggregate. Open one per
 * process and share it.
 *
 * `DB` is the type of the application's own tables in the same database, as Kysely sees them:
 * `store.db` and `store.transaction` are typed with it. Left out, it is `any`, and any table name
 * is accepted unchecked, as with Kysely's own `Kysely<any>`.
 *
 * @example
 * ```ts
 * const store = await EventStore.open({ sqlite: 'app.db', aggregates: [Order] });
 * const orders = store.repository(Order);
 * await orders.save(Order.place('o-1', 'KRW-BTC'));
 * for await (const recorded of store.readAll()) console.log(recorded.position, recorded.type);
 * await store.close();
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the default lets untyped code name any table, as Kysely<any> does
export class EventStore<DB = any> extends EventLog<DB> {
  private readonly snapshots: SnapshotStore;
  private readonly repositories = new Map<Function, Repository<AggregateRoot>>();
  private readonly onSnapshotError: (error: unknown) => void;

  private constructor(
    backend: StoreBackend,
    options: CommonStoreOptions,
    private readonly inline: InlineProjections | undefined,
    viewOf?: EventStore,
  ) {
    super(backend, options, inline, viewOf?.registry);
    this.snapshots = new SnapshotStore(backend.db);
    this.onSnapshotError = options.onSnapshotError ?? warnSnapshotFailed;
    for (const aggregateClass of options.aggregates ?? []) this.registerAggregate(aggregateClass);
    if (inline) this.registerEvents(...inline.eventClasses);
  }

  /** @internal The names of the projections every append of this store runs inline; a dispatcher refuses to run them again. */
  get inlineProjectionNames(): readonly string[] {
    return this.inline?.names ?? [];
  }

  /**
   * @internal This store seen from inside `trx`, one of its transactions that the caller commits:
   * its reads and appends (and its repositories') go through `trx`, running the inline projections
   * there too. Appends are announced to `onAppended` listeners of the view only; whoever commits
   * announces them to this store's (see `process-managers/process-step.ts`).
   */
  withinTransaction(trx: Kysely<EventfoldTables>): EventStore<DB> {
    this.assertOpen('use a transaction');
    return new EventStore<DB>(
      new TransactionBackend(this.backend, trx),
      { onSnapshotError: this.onSnapshotError, pageSize: this.pageSize, telemetry: this.telemetry.enabled },
      this.inline,
      this,
    );
  }

  /**
   * Opens a store and brings its schema up to date. Give the type of your own tables as `DB` to
   * have `store.db` check their names and columns.
   *
   * @example
   * ```ts
   * const embedded = await EventStore.open({ sqlite: 'trading.db', durability: 'full' });
   * const typed = await EventStore.open<{ open_orders: { id: string; market: string } }>({ sqlite: 'trading.db' });
   * const inMemory = await EventStore.open({ sqlite: ':memory:' });
   * const viaKysely = await EventStore.open({ dialect: new SqliteDialect({ database: new Database('x.db') }) });
   * ```
   * @throws {@link DatabaseOpenError} if the database cannot be opened or migrated.
   * @throws {@link DatabaseCorruptError} if the SQLite file is damaged or is not a database.
   * @throws {@link InvalidArgumentError} for options of the wrong type, a dialect of a database
   * eventfold does not run on, or `inlineProjections` that cannot run inline; nothing is opened.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as for the class: untyped code names any table
  static async open<DB = any>(options: EventStoreOptions): Promise<EventStore<DB>> {
    checkStoreOptions(options);
    const inline = options.inlineProjections === undefined ? undefined : InlineProjections.from(options.inlineProjections);
    const backend = openBackend(options);
    let store: EventStore<DB>;
    try {
      store = new EventStore<DB>(backend, options, inline);
    } catch (error) {
      await backend.close();
      throw error;
    }
    if (options.migrate !== false) {
      try {
        await prepareBackend(backend);
      } catch (cause) {
        await backend.close();
        // A damaged file has its own error, which says what to do about it.
        if (cause instanceof DatabaseCorruptError) throw cause;
        throw new DatabaseOpenError(backend.label, backend.openFailureReason(cause), { cause });
      }
    }
    return store;
  }

  /**
   * The repository of an aggregate class, registering the events it applies.
   *
   * @example
   * ```ts
   * const orders = store.repository(Order);
   * ```
   */
  repository<T extends AggregateRoot>(aggregateClass: AggregateClass<T>): Repository<T> {
    this.assertOpen('create a repository');
    let repository = this.repositories.get(aggregateClass);
    if (!repository) {
      const definition = this.registerAggregate(aggregateClass);
      repository = Repository.create(this, this.snapshots, aggregateClass, definition, this.onSnapshotError);
      this.repositories.set(aggregateClass, repository);
    }
    return repository as unknown as Repository<T>;
  }

  /**
   * Archives a stream: its events stay in the log, at their positions, but reads pass them over
   * until {@link EventStore.restoreStream}: `readStream` and `repository.load` throw
   * {@link StreamArchivedError}, `readAll` and subscribers reading the log skip them, unless asked
   * with `{ includeArchived: true }`. Events already delivered stay delivered. Archiving an archived
   * stream again changes nothing. See "Stream lifecycle" in the event store docs for every guarantee.
   *
   * @example
   * ```ts
   * await store.archiveStream({ type: 'Order', id: 'o-1' });
   * ```
   * @throws {@link StreamDeletedError} for a deleted stream.
   * @throws {@link InvalidArgumentError} for a stream without events, or a bad stream reference.
   */
  async archiveStream(stream: StreamRef): Promise<void> {
    this.assertOpen('archive a stream');
    assertStreamRef(stream);
    await archiveStream(this.backend, { type: stream.type, id: stream.id });
  }

  /**
   * Restores an archived stream: it is read again as before archiving, with any events appended
   * while it was archived. Restoring a stream that is not archived changes nothing.
   *
   * @example
   * ```ts
   * await store.restoreStream({ type: 'Order', id: 'o-1' });
   * ```
   * @throws {@link StreamDeletedError} for a deleted stream.
   */
  async restoreStream(stream: StreamRef): Promise<void> {
    this.assertOpen('restore a stream');
    assertStreamRef(stream);
    await restoreStream(this.backend, { type: stream.type, id: stream.id });
  }

  /**
   * Deletes a stream for good, where the law demands it (an erasure request): its events, its
   * snapshot and its dead letters are removed from the database, and a tombstone, a
   * {@link StreamDeleted} event of the stream, is appended in one transaction. Subscribers receive
   * the tombstone in log order and can remove what they kept; the stream's name cannot come back
   * (appending to it throws {@link StreamDeletedError}). The positions of the removed events are
   * never handed out again. Deleting a deleted stream again writes nothing and returns its
   * tombstone. The store's inline projections run on the tombstone in the same transaction, so a
   * read model kept inline forgets the stream as it is deleted.
   *
   * @example
   * ```ts
   * const tombstone = await store.deleteStream({ type: 'Customer', id: 'c-9' }, { reason: 'erasure request 2026-117' });
   * console.log(tombstone.position, (tombstone.event as StreamDeleted).lastVersion);
   * ```
   * @returns the tombstone as recorded.
   * @throws {@link InvalidArgumentError} for a bad stream reference or reason.
   * @throws {@link InlineProjectionError} if an inline projection failed on the tombstone; nothing is deleted.
   */
  async deleteStream(stream: StreamRef, options?: DeleteStreamOptions): Promise<RecordedEvent> {
    this.assertOpen('delete a stream');
    assertStreamRef(stream);
    const reason = deleteReasonOf(options);
    const { tombstone, written } = await deleteStream(this.backend, this.registry, { type: stream.type, id: stream.id }, reason, this.alsoInAppend);
    if (written) {
      this.backend.announceWrite();
      this.recordAppended([tombstone]);
    }
    return tombstone;
  }

  private registerAggregate(aggregateClass: AggregateClass) {
    const definition = readAggregateDefinition(aggregateClass);
    this.registerEvents(...([...readApplyHandlers(aggregateClass).keys()] as EventClass[]));
    return definition;
  }
}

function warnSnapshotFailed(error: unknown): void {
  if (error instanceof SnapshotRestoreError) {
    process.emitWarning(`eventfold: ${error.message}`, { code: error.code });
    return;
  }
  process.emitWarning(`eventfold could not write a snapshot; loads replay more events until the next one: ${(error as Error).message}`, {
    code: 'EVENTFOLD_SNAPSHOT_FAILED',
  });
}
