import type { Span } from '@opentelemetry/api';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventMetadata } from '../events/event-metadata';
import { describeValue } from '../store/describe-value';
import type { EventLog } from '../store/event-log';
import type { AppendResult, NewEvent } from '../store/new-event';
import type { RecordedEvent } from '../store/recorded-event';
import { ConcurrencyError } from '../store/concurrency-error';
import { MAX_STREAM_VERSION } from '../store/expected-version';
import { optionsObject } from '../store/options-object';
import { StoreClosedError } from '../store/store-closed-error';
import { DELETED_STREAM_VERSION } from '../store/lifecycle/deleted-stream-version';
import { StreamArchivedError } from '../store/lifecycle/stream-archived-error';
import { StreamDeletedError } from '../store/lifecycle/stream-deleted-error';
import { assertStreamRef, type StreamRef } from '../store/stream-ref';
import type { AggregateClass } from './aggregate-class';
import { type AggregateDefinition } from './aggregate.decorator';
import { AggregateNotFoundError } from './aggregate-not-found-error';
import { markCommitted, pendingForSave, replayEvent, type AggregateRoot } from './aggregate-root';
import { captureState, copyAggregate, restoreState } from './aggregate-state';
import { checkLoadOptions, type LoadOptions, type LoadTarget } from './load-options';
import type { Decide } from './decide';
import { retryOnConflict, type AttemptOutcome } from './retry-on-conflict';
import { SnapshotRestoreError } from './snapshot-restore-error';
import type { SnapshotStore } from './snapshot-store';
import { checkUpdateOptions, type UpdateOptions } from './update-options';
import { aggregateAttributes, describeLoaded } from '../telemetry/aggregate-attributes';
import { inSpan } from '../telemetry/in-span';
import { ATTRIBUTE, SPAN } from '../telemetry/telemetry-names';

/** Options of {@link Repository.save}. */
export interface SaveOptions {
  /** Metadata stored with every saved event (correlation and causation ids, user fields). */
  metadata?: EventMetadata;
}

/** One step of an aggregate's history: an event and the state right after it. */
export interface HistoryStep<T extends AggregateRoot> {
  /** The event, as stored. */
  readonly recorded: RecordedEvent;
  /** A copy of the aggregate's state right after the event; later steps do not change it. */
  readonly state: T;
}

/**
 * Loads and saves one kind of aggregate. Get one with `store.repository(Order)`.
 *
 * @example
 * ```ts
 * const orders = store.repository(Order);
 * const order = await orders.load('o-1');
 * order.cancel();
 * await orders.save(order, { metadata: { correlationId: requestId } });
 * ```
 */
export class Repository<T extends AggregateRoot> {
  // Private, so that the published types offer no constructor either: repositories come from
  // `store.repository(AggregateClass)`, which makes them through `create`.
  private constructor(
    private readonly store: EventLog,
    private readonly snapshots: SnapshotStore,
    private readonly aggregateClass: AggregateClass<T>,
    private readonly definition: AggregateDefinition,
    private readonly onSnapshotError: (error: unknown) => void,
  ) {}

  /** @internal Use `store.repository(AggregateClass)`. */
  static create<T extends AggregateRoot>(
    store: EventLog,
    snapshots: SnapshotStore,
    aggregateClass: AggregateClass<T>,
    definition: AggregateDefinition,
    onSnapshotError: (error: unknown) => void,
  ): Repository<T> {
    return new Repository(store, snapshots, aggregateClass, definition, onSnapshotError);
  }

  /** The stream type of this repository's aggregates (the `@Aggregate` name). */
  get aggregateType(): string {
    return this.definition.name;
  }

  /**
   * Rebuilds an aggregate by replaying its stream, starting from its latest usable snapshot.
   *
   * @throws {@link AggregateNotFoundError} if the stream has no events (at that version or time).
   * @throws {@link StreamArchivedError} if the stream is archived; {@link StreamDeletedError} if it was deleted.
   */
  async load(id: string, options?: LoadOptions): Promise<T> {
    const aggregate = await this.find(id, options);
    if (!aggregate) throw new AggregateNotFoundError(this.definition.name, id, options?.at);
    return aggregate;
  }

  /**
   * Like {@link Repository.load}, but resolves to `undefined` when the aggregate does not exist.
   *
   * @throws {@link ApplyFailedError} if an `@Apply` method throws while the stream is replayed.
   * @throws {@link StreamArchivedError} if the stream is archived; {@link StreamDeletedError} if it was deleted.
   */
  async find(id: string, options?: LoadOptions): Promise<T | undefined> {
    this.assertStoreOpen('load an aggregate');
    const stream = this.streamOf(id);
    const wanted = checkLoadOptions(options);
    const tracer = this.store.telemetry.tracer();
    if (tracer === undefined) return this.replay(stream, wanted, undefined);
    return inSpan(
      tracer,
      SPAN.load,
      () => aggregateAttributes(stream),
      (span) => this.replay(stream, wanted, span),
    );
  }

  private async replay(stream: StreamRef, wanted: LoadTarget, span: Span | undefined): Promise<T | undefined> {
    const target = await this.targetVersion(stream, wanted);
    if (target === 0) return undefined;
    const snapshotted = wanted.snapshot ? await this.fromSnapshot(stream, target) : undefined;
    const aggregate = snapshotted ?? new this.aggregateClass(stream.id);
    const replayedFrom = aggregate.version;
    await this.store.readStreamForReplay(stream, aggregate.version + 1, target, (event, version) => aggregate[replayEvent](event, version));
    if (span?.isRecording()) describeLoaded(span, aggregate.version, aggregate.version - replayedFrom, snapshotted ? replayedFrom : undefined);
    if (aggregate.version === 0) {
      await this.assertNotArchivedOrDeleted(stream);
      return undefined;
    }
    this.assertVersionReached(aggregate, wanted);
    return aggregate;
  }

  /**
   * Appends the aggregate's pending events, expecting the stream to be at the version the
   * aggregate was loaded at. On success the aggregate moves to the new version and has no pending
   * events; on a `ConcurrencyError` nothing was stored and the aggregate is unchanged.
   *
   * @returns what was appended, or `undefined` when there was nothing to save.
   */
  async save(aggregate: T, options?: SaveOptions): Promise<AppendResult | undefined> {
    if (!(aggregate instanceof this.aggregateClass)) {
      throw new InvalidArgumentError('aggregate', `expected a ${this.aggregateClass.name}, got ${describeValue(aggregate)}.`);
    }
    const { metadata } = optionsObject(options);
    const pending = aggregate[pendingForSave];
    if (pending.length === 0) return undefined;
    const stream = this.streamOf(aggregate.id);
    const tracer = this.store.telemetry.tracer();
    if (tracer === undefined) return this.appendPending(stream, aggregate, pending, metadata);
    return inSpan(
      tracer,
      SPAN.save,
      () => ({ ...aggregateAttributes(stream), [ATTRIBUTE.eventCount]: pending.length, [ATTRIBUTE.expectedVersion]: aggregate.version }),
      async (span) => {
        const result = await this.appendPending(stream, aggregate, pending, metadata);
        span?.setAttribute(ATTRIBUTE.aggregateVersion, aggregate.version);
        return result;
      },
    );
  }

  private async appendPending(stream: StreamRef, aggregate: T, pending: readonly NewEvent[], metadata: EventMetadata | undefined): Promise<AppendResult> {
    const loadedAt = aggregate.version;
    const result = await this.store.append(stream, pending, { expectedVersion: loadedAt, metadata });
    aggregate[markCommitted](result.nextExpectedVersion, pending.length);
    await this.snapshotIfDue(stream, aggregate, loadedAt);
    return result;
  }

  /**
   * Handles one command on an existing aggregate: loads it, calls `decide` on it and saves the
   * events it raised, expecting the version it was loaded at. When another writer saved first
   * (a `ConcurrencyError`), it loads and decides again, up to `options.retries` more times
   * (3 by default) with a short growing wait between attempts. Any other error, from `decide` or
   * from the save, is thrown at once. A decision that raises no events saves nothing.
   *
   * @returns what the last call of `decide` returned (awaited).
   * @throws {@link AggregateNotFoundError} if the aggregate has no events.
   * @throws {@link ConcurrencyError} if every attempt met a conflict; `attempts` says how many were made.
   *
   * @example
   * ```ts
   * const status = await orders.update('o-1', (order) => {
   *   order.ship('post');
   *   return order.status;
   * }, { retries: 5, metadata: { correlationId: requestId } });
   * ```
   */
  async update<R>(id: string, decide: Decide<T, R>, options?: UpdateOptions): Promise<Awaited<R>> {
    return this.handleCommand(id, decide, options, 'update an aggregate', (stream) => this.load(stream.id));
  }

  /**
   * Like {@link Repository.update}, but an aggregate that does not exist yet is created:
   * `decide` is given a new instance (`new AggregateClass(id)`, at version 0) and its events are
   * saved expecting no stream. If another writer creates the aggregate first, that conflict is
   * retried like any other, and the next attempt decides on the aggregate it created.
   *
   * @returns what the last call of `decide` returned (awaited).
   * @throws {@link ConcurrencyError} if every attempt met a conflict; `attempts` says how many were made.
   *
   * @example
   * ```ts
   * await orders.updateOrCreate('o-1', (order) => order.ship('post'));
   * ```
   */
  async updateOrCreate<R>(id: string, decide: Decide<T, R>, options?: UpdateOptions): Promise<Awaited<R>> {
    return this.handleCommand(id, decide, options, 'update or create an aggregate', async (stream) => (await this.find(stream.id)) ?? new this.aggregateClass(stream.id));
  }

  /**
   * Replays an aggregate's stream and yields each event with a copy of the state right after it:
   * the way to see how the state came to be. Stops at `version` or `at` when given.
   *
   * @example
   * ```ts
   * for await (const { recorded, state } of orders.history('o-1')) {
   *   console.log(recorded.streamVersion, recorded.type, state.status);
   * }
   * ```
   */
  async *history(id: string, options?: Omit<LoadOptions, 'snapshot'>): AsyncGenerator<HistoryStep<T>> {
    this.assertStoreOpen('read a history');
    const stream = this.streamOf(id);
    const wanted = checkLoadOptions(options);
    const target = await this.targetVersion(stream, wanted);
    if (target === 0) return;
    const aggregate = new this.aggregateClass(id);
    for await (const recorded of this.store.readStream(stream, { toVersion: target })) {
      if (recorded.streamVersion === DELETED_STREAM_VERSION) throw new StreamDeletedError(stream, 'load');
      aggregate[replayEvent](recorded.event, recorded.streamVersion);
      yield { recorded, state: copyAggregate(aggregate) };
    }
    if (aggregate.version > 0) this.assertVersionReached(aggregate, wanted);
  }

  private async handleCommand<R>(
    id: string,
    decide: Decide<T, R>,
    options: UpdateOptions | undefined,
    operation: string,
    current: (stream: StreamRef) => Promise<T>,
  ): Promise<Awaited<R>> {
    this.assertStoreOpen(operation);
    const stream = this.streamOf(id);
    if (typeof decide !== 'function') {
      throw new InvalidArgumentError(
        'decide',
        `expected a function (aggregate) => result that calls the ${this.definition.name}'s domain methods, got ${describeValue(decide)}.`,
      );
    }
    const plan = checkUpdateOptions(options);
    return retryOnConflict(plan, async (): Promise<AttemptOutcome<Awaited<R>>> => {
      const aggregate = await current(stream);
      const decided = await decide(aggregate);
      try {
        await this.save(aggregate, { metadata: plan.metadata });
      } catch (error) {
        if (error instanceof ConcurrencyError) return { conflict: error };
        throw error;
      }
      return { decided };
    });
  }

  private assertVersionReached(aggregate: T, wanted: LoadTarget): void {
    if (wanted.version !== undefined && aggregate.version < wanted.version) {
      throw new InvalidArgumentError(
        'options.version',
        `${this.definition.name} '${aggregate.id}' has only ${aggregate.version} events, so it has no version ${wanted.version}.`,
      );
    }
  }

  /**
   * Says why a stream held nothing to replay when it is archived or deleted, rather than letting
   * the aggregate pass for one that never existed.
   */
  private async assertNotArchivedOrDeleted(stream: StreamRef): Promise<void> {
    const state = await this.store.streamState(stream);
    if (state === 'archived') throw new StreamArchivedError(stream, 'load');
    if (state === 'deleted') throw new StreamDeletedError(stream, 'load');
  }

  private assertStoreOpen(operation: string): void {
    if (this.store.isClosed) throw new StoreClosedError(operation);
  }

  private streamOf(id: string): StreamRef {
    if (typeof id !== 'string' || id.length === 0) {
      throw new InvalidArgumentError('id', `expected a non-empty ${this.definition.name} id, got ${describeValue(id)}.`);
    }
    const stream = { type: this.definition.name, id };
    // The store checks the stream again, but the snapshot is read first and must not be the
    // query that meets an id the database cannot take.
    assertStreamRef(stream);
    return stream;
  }

  /** The last stream version to replay: the requested one, or the whole stream. */
  private async targetVersion(stream: StreamRef, wanted: LoadTarget): Promise<number> {
    if (wanted.version !== undefined) return wanted.version;
    if (wanted.at !== undefined) return this.store.streamVersion(stream, { at: wanted.at });
    return MAX_STREAM_VERSION;
  }

  private async fromSnapshot(stream: StreamRef, target: number): Promise<T | undefined> {
    if (this.definition.snapshotEvery === undefined) return undefined;
    const snapshot = await this.snapshots.latest(stream);
    // A snapshot of another shape version is ignored rather than trusted; the next snapshot
    // that falls due replaces it.
    if (!snapshot || snapshot.snapshotVersion !== this.definition.snapshotVersion || snapshot.streamVersion > target) return undefined;
    try {
      return restoreState(this.aggregateClass, stream.id, snapshot.streamVersion, snapshot.state);
    } catch (cause) {
      // A snapshot is a shortcut: one that cannot be restored costs a full replay, not the load.
      // The next snapshot that falls due replaces it.
      this.onSnapshotError(new SnapshotRestoreError(this.aggregateClass.name, stream, snapshot.streamVersion, { cause }));
      return undefined;
    }
  }

  private async snapshotIfDue(stream: StreamRef, aggregate: T, versionBefore: number): Promise<void> {
    const every = this.definition.snapshotEvery;
    if (every === undefined || Math.floor(versionBefore / every) === Math.floor(aggregate.version / every)) return;
    try {
      await this.snapshots.save(stream, {
        streamVersion: aggregate.version,
        snapshotVersion: this.definition.snapshotVersion,
        state: captureState(aggregate),
      });
    } catch (error) {
      // The events are committed; a snapshot is only a shortcut for loading. Failing the save
      // here would invite a retry of something that succeeded, so the failure is reported aside.
      this.onSnapshotError(error);
    }
  }
}
