import type { CompiledQuery, Kysely } from 'kysely';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventClass } from '../events/event-class';
import type { EventMetadata } from '../events/event-metadata';
import { EventRegistry } from '../events/event-registry';
import { AppendListeners, type AppendListener } from './append-listeners';
import { appendToStream } from './append-to-stream';
import type { EventLogQueries } from './event-log-queries';
import type { StoreBackend } from './backend/store-backend';
import { currentVersion } from './current-version';
import type { InAppendTransaction } from './in-append-transaction';
import type { CommonStoreOptions } from './event-store-options';
import { assertExpectedVersion, ANY_VERSION, type ExpectedVersion } from './expected-version';
import { isNewEvent, type AppendOptions, type AppendResult, type NewEvent } from './new-event';
import { prepareEvents, type PreparedEvent } from './prepare-events';
import { describeValue } from './describe-value';
import { optionsObject } from './options-object';
import { checkPointInTime, recordedAtBound } from './point-in-time';
import { readPaged, replayPaged, type ReplayListener } from './read-events';
import { checkStreamVersion, MAX_PAGE_SIZE, readAllSettings, readStreamSettings, type ReadAllOptions, type ReadStreamOptions } from './read-options';
import type { RecordedEvent } from './recorded-event';
import type { EventfoldTables } from './schema';
import type { HorizonStall } from './postgres/horizon-stall';
import { StoreClosedError } from './store-closed-error';
import { assertNotInsideStep } from '../process-managers/running-step';
import { waitForReadable, type LogHorizon, type WaitForReadableOptions } from './wait-for-readable';
import { assertStreamRef, type StreamRef } from './stream-ref';
import { isPlainObject } from './plain-object';
import { hidingArchived } from './lifecycle/hiding-archived';
import { refusingArchived } from './lifecycle/refusing-archived';
import { STREAM_DELETED_EVENT, StreamDeleted } from './lifecycle/stream-deleted';
import { streamStateOf, type StreamState } from './lifecycle/stream-state';
import { StoredEventDecoder } from './stored-event-decoder';
import { tracedAppend } from '../telemetry/append-telemetry';
import { dbSystemOf, StoreTelemetry } from '../telemetry/store-telemetry';
import type { StoredEventTuple } from './stored-event-tuple';

const DEFAULT_PAGE_SIZE = 500;

/** The events of eventfold's own that every store registers, and that {@link EventLog.eventTypes} leaves out. */
const SYSTEM_EVENT_NAMES = new Set([STREAM_DELETED_EVENT]);

/** Options of {@link EventStore.publish}. */
export interface PublishOptions {
  /** The stream to record the event in. Defaults to `{ type: '$bus', id: <event name> }`. */
  stream?: StreamRef;
  /** Metadata stored with the event. */
  metadata?: EventMetadata;
  /**
   * Delivery priority of this event, over its class's: where an event handler has events of
   * several streams ready, higher goes first. Stored in the event's metadata as `priority`.
   */
  priority?: number;
}

/** Stream type of events published without a stream of their own. */
export const BUS_STREAM_TYPE = '$bus';

/**
 * The event log: an append-only, globally ordered table of events, grouped into streams, in a
 * database reached through Kysely. An {@link EventStore} is an event log with repositories for
 * aggregates; the dispatcher and other readers of the log need only this.
 *
 * `DB` is the type of the application's own tables in the same database, as Kysely sees them:
 * `log.db` and `log.transaction` are typed with it. Left out, it is `any`, and any table name
 * is accepted unchecked, as with Kysely's own `Kysely<any>`.
 *
 * @example
 * ```ts
 * async function printLog(log: EventStore): Promise<void> {
 *   for await (const recorded of log.readAll()) console.log(recorded.position, recorded.type);
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the default lets untyped code name any table, as Kysely<any> does
export class EventLog<DB = any> {
  /** The event classes this store knows, for decoding. */
  protected readonly registry: EventRegistry;
  private readonly queries: EventLogQueries;
  protected readonly pageSize: number;
  private readonly appendListeners = new AppendListeners();
  private appendsInFlight = 0;
  private lastAppended = 0;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly closeHooks = new Set<() => Promise<void>>();
  /** @internal This store's tracer and metric instruments, for its repositories and dispatchers. */
  readonly telemetry: StoreTelemetry;

  /** Made by {@link EventStore.open}. */
  protected constructor(
    /** @internal What eventfold does differently on the store's database. */
    readonly backend: StoreBackend,
    options: CommonStoreOptions,
    /** Work every append runs in its own transaction (the store's inline projections), if any. */
    protected readonly alsoInAppend?: InAppendTransaction,
    /** The registry of the store this one is a view of (from inside one of its transactions). */
    registry?: EventRegistry,
  ) {
    this.registry = registry ?? new EventRegistry();
    this.telemetry = new StoreTelemetry(options.telemetry !== false, dbSystemOf(backend.name));
    this.queries = backend.queries;
    // Checked with the other options by open().
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    this.registerEvents(StreamDeleted, ...(options.events ?? []));
  }

  /**
   * @internal The Kysely instance over the store's database, typed with eventfold's own tables,
   * for eventfold's own queries.
   */
  get eventfoldDb(): Kysely<EventfoldTables> {
    return this.backend.db;
  }

  /**
   * Registers event classes so that reading can decode them. Classes are also registered when
   * first appended and when a repository of an aggregate that applies them is created.
   */
  registerEvents(...eventClasses: EventClass[]): void {
    this.registry.register(...eventClasses);
  }

  /**
   * The registered event names, sorted; eventfold's own events, which every store knows
   * ({@link StreamDeleted}), are left out.
   */
  eventTypes(): string[] {
    return this.registry.names().filter((name) => !SYSTEM_EVENT_NAMES.has(name));
  }

  /**
   * Appends events to one stream, all or nothing. With `expectedVersion`, the append succeeds only
   * if the stream is at that version. Retrying an append whose events carry the same ids (as a
   * repository's save does) returns the stored result instead of storing them twice.
   *
   * @example
   * ```ts
   * const { nextExpectedVersion } = await store.append(
   *   { type: 'Order', id: 'o-1' },
   *   [new OrderPlaced('o-1', 'KRW-BTC')],
   *   { expectedVersion: NO_STREAM, metadata: { correlationId: 'req-1' } },
   * );
   * ```
   * @throws {@link ConcurrencyError} if the stream is not at the expected version.
   * @throws {@link InvalidArgumentError} or {@link UnregisteredEventError} for bad input (a
   * {@link StreamDeleted} among the events included: only `deleteStream` writes one); nothing is written.
   * @throws {@link InlineProjectionError} if one of the store's inline projections failed on the events; nothing is written.
   */
  async append(stream: StreamRef, events: ReadonlyArray<object | NewEvent>, options?: AppendOptions): Promise<AppendResult> {
    this.assertOpen('append events');
    assertStreamRef(stream);
    const { expectedVersion, metadata } = optionsObject(options);
    const expected = expectedVersion === undefined ? ANY_VERSION : expectedVersion;
    assertExpectedVersion(expected, 'options.expectedVersion');
    if (!this.telemetry.active) return this.appendChecked(stream, events, expected, metadata);
    const eventCount = Array.isArray(events) ? events.length : 0;
    return tracedAppend(this.telemetry, stream, eventCount, metadata, (traced) => this.appendChecked(stream, events, expected, traced));
  }

  /** {@link EventLog.append} once its options are checked, storing `metadata` (the trace context added, when traced). */
  private async appendChecked(
    stream: StreamRef,
    events: ReadonlyArray<object | NewEvent>,
    expected: ExpectedVersion,
    metadata: EventMetadata | undefined,
  ): Promise<AppendResult> {
    const prepared = prepareEvents(this.registry, events, metadata);
    assertNoTombstone(prepared);
    this.appendsInFlight++;
    let result: AppendResult;
    try {
      result = await appendToStream(this.backend, { stream: { type: stream.type, id: stream.id }, expected, events: prepared }, this.alsoInAppend);
    } finally {
      this.appendsInFlight--;
    }
    // Events found already stored (the retry of an append that committed) are counted but not
    // announced: subscribers find them in the log.
    if (result.alreadyStored) this.noteAppended(result.events);
    else this.recordAppended(result.events);
    return result;
  }

  /**
   * @internal Notes events this store wrote other than by `append` (a deleted stream's tombstone)
   * as `append` notes its own: announced to `onAppended` listeners, and counted in
   * {@link EventLog.lastAppendedPosition}.
   */
  recordAppended(events: readonly RecordedEvent[]): void {
    this.noteAppended(events);
    this.appendListeners.announce(events);
  }

  private noteAppended(events: readonly RecordedEvent[]): void {
    this.lastAppended = Math.max(this.lastAppended, events.at(-1)?.position ?? 0);
  }

  /** @internal The highest position of the events this store appended (0 before its first append). */
  get lastAppendedPosition(): number {
    return this.lastAppended;
  }

  /**
   * @internal For the dispatcher: whether an append of this store may have committed without its
   * events having been announced to `onAppended` listeners yet.
   */
  get hasAppendsInFlight(): boolean {
    return this.appendsInFlight > 0;
  }

  /**
   * Records an event that belongs to no aggregate (a market tick, a request to notify someone)
   * and hands it to subscribers like any other: this is the event bus of the application.
   *
   * @example
   * ```ts
   * await store.publish(new PriceTicked('KRW-BTC', 91_500_000));
   * await store.publish(new NotificationRequested('u-7', 'filled'), { metadata: { correlationId } });
   * ```
   */
  async publish(event: object | NewEvent, options?: PublishOptions): Promise<RecordedEvent> {
    this.assertOpen('publish an event');
    const { stream: given, metadata: publishMetadata, priority } = optionsObject(options);
    if (given !== undefined) assertStreamRef(given, 'options.stream');
    const stream = given ?? { type: BUS_STREAM_TYPE, id: this.registry.of(isNewEvent(event) ? event.event : event).definition.name };
    if (priority !== undefined && (typeof priority !== 'number' || !Number.isFinite(priority))) {
      throw new InvalidArgumentError('options.priority', `expected a finite number, got ${describeValue(priority)}.`);
    }
    // Spreading is only safe over a plain object: an array or a string would be taken apart into
    // numbered fields and stored without complaint.
    if (priority !== undefined && publishMetadata !== undefined && !isPlainObject(publishMetadata)) {
      throw new InvalidArgumentError('options.metadata', `expected a plain object of JSON values, got ${describeValue(publishMetadata)}.`);
    }
    const metadata = priority === undefined ? publishMetadata : { ...publishMetadata, priority };
    const { events } = await this.append(stream, [event], { metadata });
    // One event appended, so one recorded.
    return events[0]!;
  }

  /**
   * Listens to every append this store commits, right after the commit. Used by the dispatcher
   * for live delivery; returns a function that stops listening.
   */
  onAppended(listener: AppendListener): () => void {
    if (typeof listener !== 'function') {
      throw new InvalidArgumentError('listener', `expected a function (events) => void, got ${describeValue(listener)}.`);
    }
    return this.appendListeners.add(listener);
  }

  /**
   * Calls `onAppend` whenever another process may have appended: on PostgreSQL through
   * LISTEN/NOTIFY, right after each commit. SQLite offers no such signal, so there nothing calls
   * back and readers poll. Resolves to a function that stops listening.
   */
  async watchAppends(onAppend: () => void, onError: (error: unknown) => void = () => undefined): Promise<() => Promise<void>> {
    this.assertOpen('watch appends');
    if (typeof onAppend !== 'function') throw new InvalidArgumentError('onAppend', `expected a function () => void, got ${describeValue(onAppend)}.`);
    if (typeof onError !== 'function') throw new InvalidArgumentError('onError', `expected a function (error) => void, got ${describeValue(onError)}.`);
    return this.backend.watchAppends(onAppend, onError);
  }

  /**
   * @internal Committed events that readers cannot see yet, and the transaction holding them
   * back (see {@link HorizonStall}); undefined when there are none, and always on SQLite.
   */
  async horizonStall(): Promise<HorizonStall | undefined> {
    this.assertOpen('look at the log horizon');
    return this.backend.findHorizonStall();
  }

  /**
   * The Kysely instance over the store's database, typed with the application's tables `DB`.
   * Applications may run their own queries on it (read models in the same file, for instance);
   * eventfold's tables, whose names start with `eventfold_`, are its own to write.
   *
   * @example
   * ```ts
   * const store = await EventStore.open<{ open_orders: { id: string; market: string } }>({ sqlite: 'app.db' });
   * const open = await store.db.selectFrom('open_orders').selectAll().execute();
   * ```
   */
  get db(): Kysely<DB> {
    return this.eventfoldDb as unknown as Kysely<DB>;
  }

  /**
   * Runs `work` in one write transaction on the store's database: everything it writes commits
   * together or not at all. On SQLite the transaction holds the write lock from its start, so it
   * never fails half-way for lack of it.
   *
   * @example
   * ```ts
   * await store.transaction(async (trx) => {
   *   await trx.withTables<ReadModels>().insertInto('open_orders').values(row).execute();
   * });
   * ```
   */
  async transaction<T>(work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
    this.assertOpen('run a transaction');
    if (typeof work !== 'function') {
      throw new InvalidArgumentError('work', `expected a function (trx) => Promise, got ${describeValue(work)}.`);
    }
    return this.eventfoldTransaction((trx) => work(trx as unknown as Kysely<DB>));
  }

  /** @internal {@link EventStore.transaction} with the transaction typed with eventfold's own tables. */
  async eventfoldTransaction<T>(work: (trx: Kysely<EventfoldTables>) => Promise<T>): Promise<T> {
    this.assertOpen('run a transaction');
    return this.backend.transaction(work);
  }

  /**
   * Reads one stream in version order, a page at a time. A deleted stream reads as its tombstone
   * alone (see {@link EventStore.deleteStream}); an archived one throws {@link StreamArchivedError}
   * when the read begins, unless `includeArchived`.
   *
   * @example
   * ```ts
   * for await (const recorded of store.readStream({ type: 'Order', id: 'o-1' }, { fromVersion: 2 })) {
   *   console.log(recorded.streamVersion, recorded.event);
   * }
   * ```
   */
  readStream(stream: StreamRef, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    this.assertOpen('read a stream');
    assertStreamRef(stream);
    const { from, to, pageSize, onUndecodable, includeArchived } = readStreamSettings(options, this.pageSize);
    const ref = { type: stream.type, id: stream.id };
    const fetchPage = (after: number) => this.backend.readEventRows(this.queries.pageOfStream(ref, after, to, pageSize, includeArchived));
    const decoder = new StoredEventDecoder(this.registry, onUndecodable);
    return readPaged(decoder, includeArchived ? fetchPage : refusingArchived(this.eventfoldDb, ref, fetchPage), from - 1, 'stream_version', pageSize);
  }

  /**
   * @internal For repositories; applications use {@link EventStore.readStream}.
   *
   * Replays versions `fromVersion` to `toVersion` of one stream, handing each decoded event and
   * its version to `apply` in order. It reads only the columns that rebuilding state needs and
   * stops at the first event it cannot decode, with the same error as `readStream` would throw.
   */
  async readStreamForReplay(stream: StreamRef, fromVersion: number, toVersion: number, apply: ReplayListener): Promise<void> {
    this.assertOpen('read a stream');
    assertStreamRef(stream);
    const from = checkStreamVersion(fromVersion, 'fromVersion');
    const to = checkStreamVersion(toVersion, 'toVersion');
    const ref = { type: stream.type, id: stream.id };
    const fetchPage = (after: number, limit: number) => this.fetch(this.queries.replayPageOfStream(ref, after, to, limit));
    await replayPaged(this.registry, ref, fetchPage, from - 1, { first: this.pageSize, max: Math.max(this.pageSize, MAX_PAGE_SIZE) }, apply);
  }

  /**
   * The state of a stream in its lifecycle: `'active'`, `'archived'` ({@link EventStore.archiveStream})
   * or `'deleted'` ({@link EventStore.deleteStream}).
   *
   * @example
   * ```ts
   * if ((await store.streamState({ type: 'Order', id: 'o-1' })) === 'archived') await store.restoreStream({ type: 'Order', id: 'o-1' });
   * ```
   */
  async streamState(stream: StreamRef): Promise<StreamState> {
    this.assertOpen('read a stream state');
    assertStreamRef(stream);
    return streamStateOf(this.backend, { type: stream.type, id: stream.id });
  }

  /**
   * Reads the whole log in position order from `from`, a page at a time, so memory stays flat
   * however long the log is. Every reader sees the same order, with nothing skipped and nothing
   * twice, however many processes append meanwhile.
   *
   * It reads up to the readable head ({@link EventStore.headPosition}). On PostgreSQL, where
   * appends commit side by side, that can be short of an append that has just committed, this
   * store's own included, until every transaction that was writing when it was appended has
   * ended; use {@link EventStore.waitForReadable} to read your own appends.
   *
   * Events of archived streams are passed over unless `includeArchived` (see
   * {@link EventStore.archiveStream}); those of deleted streams are gone, leaving gaps in the
   * positions, and their tombstones are read in their place.
   *
   * @example
   * ```ts
   * for await (const recorded of store.readAll({ from: checkpoint + 1 })) project(recorded);
   * ```
   */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    return this.readLog(options, undefined);
  }

  /**
   * @internal {@link EventStore.readAll}, telling `onHidden` of each event it skips because its
   * stream is archived: a subscriber's feed moves past them as past events it does not handle.
   */
  readLog(options: ReadAllOptions | undefined, onHidden: ((row: StoredEventTuple) => void) | undefined): AsyncIterableIterator<RecordedEvent> {
    this.assertOpen('read the log');
    const { from, to, pageSize, onUndecodable, includeArchived } = readAllSettings(options, this.pageSize);
    const decoder = new StoredEventDecoder(this.registry, onUndecodable);
    const fetchRows = (after: number) => this.backend.readEventRows(this.queries.pageOfLog(after, to, pageSize));
    const fetchPage = includeArchived ? fetchRows : hidingArchived(this.eventfoldDb, decoder, fetchRows, onHidden);
    return readPaged(decoder, fetchPage, from - 1, 'position', pageSize);
  }

  /**
   * The version of a stream's last event (0 if it has none), or with `at`, of its last event
   * recorded at or before that moment.
   */
  async streamVersion(stream: StreamRef, options?: { at?: Date }): Promise<number> {
    this.assertOpen('read a stream version');
    assertStreamRef(stream);
    const { at } = optionsObject(options);
    if (at === undefined) return currentVersion(this.eventfoldDb, this.queries, stream);
    const bound = recordedAtBound(checkPointInTime(at, 'options.at'));
    if (bound === undefined) return 0;
    const [row] = await this.fetch(this.queries.streamVersionAt(stream, bound));
    return Number(row?.version ?? 0);
  }

  /**
   * The position of the last readable event of the log, 0 when there is none: everything
   * {@link EventStore.readAll} can return now.
   *
   * On SQLite that is the last event. On PostgreSQL, appends commit side by side, and an event is
   * readable once every transaction that was writing (in any database of the server) when it
   * was appended has ended: until then, a reader could pass it and miss an event before it that
   * is about to commit. Usually that is a few milliseconds; a transaction left open holds the
   * head back until it ends.
   *
   * @example
   * ```ts
   * const head = await store.headPosition();
   * for await (const recorded of store.readAll({ to: head })) console.log(recorded.position);
   * ```
   */
  async headPosition(): Promise<number> {
    this.assertOpen('read the head position');
    const [row] = await this.fetch(this.queries.headPosition());
    return Number(row?.position ?? 0);
  }

  /**
   * Resolves once {@link EventStore.readAll} can return every event up to `options.position`,
   * by default every event committed when it was called, this store's appends included:
   * read-your-writes, for code that reads the whole log right after appending. Resolves at once
   * on SQLite, and on PostgreSQL unless a transaction that was writing when an event was
   * appended is still open.
   *
   * @example
   * ```ts
   * const { events } = await store.append(stream, [new OrderPlaced('o-1', 'KRW-BTC')]);
   * await store.waitForReadable();
   * for await (const recorded of store.readAll({ from: events[0]!.position })) console.log(recorded.type);
   * ```
   * @throws {@link NotReadableError} when the position is still not readable after `timeoutMs` (default 30 s).
   * @throws {@link InvalidArgumentError} for a position that is not a whole number from 1, or a bad timeout.
   */
  async waitForReadable(options?: WaitForReadableOptions): Promise<void> {
    this.assertOpen('wait for the log');
    await waitForReadable(() => this.logHorizon(), options);
  }

  /**
   * @internal The readable head and the last committed position. Where they differ (on
   * PostgreSQL), committed events wait for an older transaction to end before readers see them;
   * a wait for "everything so far" (`dispatcher.idle()`, say) waits for `latest`.
   */
  async logHorizon(): Promise<LogHorizon> {
    this.assertOpen('read the head position');
    const [row] = await this.fetch(this.queries.logHorizon());
    return { readable: Number(row?.readable ?? 0), latest: Number(row?.latest ?? 0) };
  }

  /** True once {@link EventStore.close} was called. */
  get isClosed(): boolean {
    return this.closed || this.closing !== undefined;
  }

  /**
   * Runs `hook` when the store begins to close, while the database is still open: a dispatcher
   * stops itself this way, saving its checkpoints, rather than failing on a closed connection.
   * Returns a function that removes the hook.
   *
   * @example
   * ```ts
   * const forget = store.beforeClose(async () => flushMetrics());
   * ```
   */
  beforeClose(hook: () => Promise<void>): () => void {
    if (typeof hook !== 'function') throw new InvalidArgumentError('hook', 'expected a function that returns a promise.');
    this.closeHooks.add(hook);
    return () => this.closeHooks.delete(hook);
  }

  /**
   * Stops the dispatchers that still run on this store (letting their work in progress finish),
   * then closes the database. Later calls on the store throw {@link StoreClosedError}; closing
   * twice is harmless.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.allSettled([...this.closeHooks].map((hook) => hook()));
      this.closed = true;
      await this.backend.close();
    })();
    return this.closing;
  }

  private async fetch<R>(query: CompiledQuery<R>): Promise<R[]> {
    return (await this.eventfoldDb.executeQuery(query)).rows;
  }

  /** @internal Throws {@link StoreClosedError} once the log is closed. */
  protected assertOpen(operation: string): void {
    if (this.closed) throw new StoreClosedError(operation);
    // The view inside a transaction is what a step should use; the store itself would wait for it.
    if (!this.backend.insideTransaction) assertNotInsideStep(operation);
  }
}

/**
 * Refuses a {@link StreamDeleted} in an append: subscribers take one as the word that a stream's
 * events are gone and erase what they kept of it, so one written beside a living stream would
 * erase read models of data that is still there.
 */
function assertNoTombstone(events: readonly PreparedEvent[]): void {
  for (const event of events) {
    if (event.type === STREAM_DELETED_EVENT) {
      throw new InvalidArgumentError(
        'events',
        `${STREAM_DELETED_EVENT} is written by store.deleteStream(stream) only, which removes the stream's events with it; it cannot be appended or published.`,
      );
    }
  }
}
