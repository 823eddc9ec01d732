import type { Kysely } from 'kysely';
import { readEventDefinition } from '../events/domain-event.decorator';
import type { EventStore } from '../store/event-store';
import type { RecordedEvent } from '../store/recorded-event';
import type { EventfoldTables } from '../store/schema';
import { attemptWithRetries, sleep, type AttemptOutcome } from './attempts';
import type { BoundSubscriber } from './bound-subscriber';
import { CheckpointTracker } from './checkpoint-tracker';
import type { DeadLetter, DeadLetterStore } from './dead-letter-store';
import { EventFeed, UndecodableEvent } from './event-feed';
import type { SegmentGroup } from './segment-group';
import { segmentOfStream } from './segments';
import { StatsCollector, type RunnerState, type SubscriberStats } from './subscriber-stats';
import type { SubscriptionStore } from './subscription-store';

/** What every runner of one dispatcher shares. */
export interface RunnerEnvironment {
  readonly store: EventStore;
  readonly subscriptions: SubscriptionStore;
  readonly deadLetters: DeadLetterStore;
  /** Identifies this process in leases. */
  readonly owner: string;
  readonly leaseMs: number;
  readonly pageSize: number;
  /** Told about failures of eventfold's own work (a checkpoint that could not be saved). */
  readonly onError: (error: unknown, subscriber: string) => void;
}

/**
 * Thrown inside a transaction whose checkpoint write found the stored state changed: another
 * process took the subscriber over. Not the handler's fault, so never retried or dead-lettered.
 */
export class StaleCheckpointError extends Error {}

/**
 * Runs one subscriber: holds its lease, feeds it events from its checkpoint on (the log first,
 * then live), keeps its checkpoint, retries its failures and dead-letters what still fails.
 * Subclasses decide how events are handed to the subscriber.
 */
export abstract class SubscriberRunner {
  state: RunnerState = 'starting';
  /** Whether this runner holds its lease or is trying to take it (counted by its segment group). */
  claimed = false;
  readonly stats = new StatsCollector();
  haltedReason: string | undefined;
  protected tracker = new CheckpointTracker(0);
  protected feed: EventFeed;
  protected readonly stopping = new AbortController();
  /** Position of the event the subscriber halted on; its dead letter goes once it succeeds. */
  protected haltedPosition: number | undefined;
  /** Checkpoint as last written to the database. */
  protected savedPosition = 0;
  /** Set while a rebuild resets the stored checkpoint. */
  protected savesPaused = false;
  private head = 0;
  private pumping = false;
  private pumpAgain = false;
  private filling = false;
  private leaseTimer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<unknown> = Promise.resolve();
  private readonly tasks = new Set<Promise<void>>();
  private readonly waiters = new Set<{ position: number; resolve: () => void }>();
  private readonly handledTypes: Set<string>;
  /** The other segments of the subscriber in this process, for one segment of a split subscriber. */
  private group: SegmentGroup | undefined;
  /** A hand-over of the lease to another process, while one runs. */
  private handingOver: Promise<void> | undefined;
  /** A renewal (or taking) of the lease, while one runs; stop() waits for it. */
  private leaseWork: Promise<void> | undefined;

  constructor(
    protected readonly env: RunnerEnvironment,
    readonly subscriber: BoundSubscriber,
  ) {
    this.feed = new EventFeed(env.store, 0, subscriber.bufferSize, env.pageSize);
    this.handledTypes = new Set(subscriber.eventClasses.map((eventClass) => readEventDefinition(eventClass)?.name ?? ''));
  }

  get name(): string {
    return this.subscriber.name;
  }

  /** Makes this runner one of the segments of a split subscriber that this process runs. */
  joinGroup(group: SegmentGroup): void {
    this.group = group;
    group.add(this);
  }

  /** Takes the lease (or waits for it in standby) and starts catching up from the checkpoint. */
  async start(): Promise<void> {
    const { store, subscriptions } = this.env;
    const startAt = this.subscriber.startFrom === 'now' ? await store.headPosition() : 0;
    await subscriptions.ensure(this.name, this.subscriber.kind, startAt);
    // A dispatcher whose start failed elsewhere may have stopped this runner meanwhile.
    if (this.isStopped()) return;
    this.leaseTimer = setInterval(() => {
      this.leaseWork ??= this.keepLease().finally(() => (this.leaseWork = undefined));
    }, this.renewEveryMs());
    this.leaseTimer.unref();
    if (await this.takeOver()) return;
    // Another process runs the subscriber; show its stored checkpoint meanwhile.
    const saved = await subscriptions.load(this.name);
    if (this.isStopped()) return;
    this.tracker = new CheckpointTracker(saved?.position ?? 0, saved?.ahead ?? []);
    this.state = 'standby';
  }

  /** Live events, right after their append committed. */
  offer(events: readonly RecordedEvent[]): void {
    this.head = Math.max(this.head, events[events.length - 1].position);
    if (!this.isWorking()) return;
    this.feed.offer(events);
    this.pump();
  }

  /** The log's head as last seen, which may include appends of other processes. */
  noticeHead(head: number): void {
    this.head = Math.max(this.head, head);
    if (!this.isWorking()) return;
    this.feed.noticeHead(head);
    this.pump();
  }

  /** Resolves once every event up to `position` is finished, or the subscriber cannot go on. */
  waitFor(position: number): Promise<void> {
    this.noticeHead(position);
    if (this.reached(position)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ position, resolve }));
  }

  /** Writes the checkpoint now if it moved since the last write. */
  flush(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    return this.serially(() => this.saveCheckpoint());
  }

  /** Lets in-flight work finish, saves the checkpoint and gives up the lease. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    clearInterval(this.leaseTimer);
    // A hand-over or renewal in flight may change whether the lease is held: let it settle first.
    await this.handingOver?.catch(() => undefined);
    await this.leaseWork;
    if (this.isStopped()) return;
    const holdsLease = this.state !== 'standby';
    this.state = 'stopped';
    this.stopping.abort();
    try {
      if (holdsLease) await this.drainAndRelease();
      else await this.drain();
    } finally {
      this.claimed = false;
      this.settleWaiters();
    }
  }

  /** A snapshot of this subscriber's figures. */
  snapshot(): SubscriberStats {
    const checkpoint = this.tracker.checkpoint;
    return {
      name: this.name,
      kind: this.subscriber.kind,
      state: this.state,
      processed: this.stats.processed,
      retried: this.stats.retried,
      failed: this.stats.failed,
      deadLettered: this.stats.deadLettered,
      checkpoint,
      lag: Math.max(0, this.head - checkpoint),
      latencyMs: this.stats.percentiles(),
      ...(this.haltedReason ? { haltedReason: this.haltedReason } : {}),
    };
  }

  /** Gives a parked dead letter one more series of attempts; true when it now succeeded. */
  async retryDeadLetter(letter: DeadLetter): Promise<boolean> {
    if (this.state === 'halted' && this.haltedOn(letter.position)) {
      this.resume();
      await this.waitFor(letter.position);
      return this.tracker.isFinished(letter.position);
    }
    let recorded: RecordedEvent | undefined;
    for await (const found of this.env.store.readAll({ from: letter.position, to: letter.position })) recorded = found;
    if (!recorded) return false;
    const removeLetter = (db: Kysely<EventfoldTables>) => this.env.deadLetters.remove(db, this.name, letter.position);
    const projection = this.subscriber.kind === 'projection';
    const outcome = await this.attempt(recorded, projection ? removeLetter : undefined, letter.attempts);
    if (outcome.kind === 'succeeded' && !projection) await removeLetter(this.env.store.db);
    if (outcome.kind === 'failed') await this.env.deadLetters.record(this.env.store.db, this.name, recorded, outcome.error, outcome.attempts);
    return outcome.kind === 'succeeded';
  }

  /** Drops a dead letter; a subscriber halted on it moves past the event and resumes. */
  async discardDeadLetter(letter: DeadLetter): Promise<void> {
    if (this.state === 'halted' && this.haltedOn(letter.position)) {
      await this.skipHaltedEvent(letter.position);
      this.resume();
    } else {
      await this.env.deadLetters.remove(this.env.store.db, this.name, letter.position);
    }
  }

  /** Clears a halt and carries on from the event it halted on. */
  resume(): void {
    if (this.state !== 'halted') return;
    this.haltedReason = undefined;
    this.state = 'catching-up';
    void this.env.subscriptions.setStatus(this.name, 'running').catch((error) => this.env.onError(error, this.name));
    this.onResume();
    this.pump();
  }

  // --- for subclasses -------------------------------------------------------------------------

  /** Starts as much work as the subscriber's limits allow. */
  protected abstract dispatch(): void;

  /** Whether the subscriber halted on the event at `position`. */
  protected abstract haltedOn(position: number): boolean;

  /** Marks the halted event finished (its dead letter discarded). */
  protected abstract skipHaltedEvent(position: number): Promise<void>;

  /** Re-queues the event the subscriber halted on. */
  protected abstract onResume(): void;

  /**
   * Drops events taken but not finished, before the subscriber starts over from its stored
   * checkpoint (after regaining a lease): the new feed delivers them again.
   */
  protected abstract forgetTaken(): void;

  /**
   * Runs `work` after every earlier serial step: checkpoint writes, and a projection's
   * transactions, never overlap, so each sees the checkpoint the previous one wrote.
   */
  protected serially(work: () => Promise<void>): Promise<void> {
    const step = this.saving.then(work);
    this.saving = step.catch(() => undefined);
    return step;
  }

  /** Runs `task`, keeping track of it so that `stop()` can wait for it. */
  protected track(task: Promise<void>): void {
    const tracked = task
      .catch((error) => this.env.onError(error, this.name))
      .finally(() => {
        this.tasks.delete(tracked);
        // better-sqlite3 answers synchronously, so without this step a catch-up or rebuild would
        // run as one unbroken chain of promises: lease renewals, polls and signals would wait
        // for its end. The next piece of work starts in a later turn of the event loop instead.
        setImmediate(() => this.pump());
      });
    this.tasks.add(tracked);
  }

  /** Whether the subscriber takes events now. */
  protected isWorking(): boolean {
    return this.state === 'catching-up' || this.state === 'live' || this.state === 'rebuilding';
  }

  /**
   * Takes the next event from the feed into the tracker. Events that need no work (already
   * finished in an earlier run, or of a type the subscriber ignores) are finished on the spot.
   */
  protected takeNext(): RecordedEvent | undefined {
    for (;;) {
      const recorded = this.feed.next();
      if (!recorded) return undefined;
      this.tracker.take(recorded.position);
      if (this.tracker.isFinished(recorded.position) || !this.handles(recorded)) {
        this.finished([recorded], false);
        continue;
      }
      return recorded;
    }
  }

  /**
   * Whether the subscriber has a handler for this event (or would have, were it decodable), and,
   * for a segment, whether the event's stream is the segment's.
   */
  protected handles(recorded: RecordedEvent): boolean {
    const segment = this.subscriber.segment;
    if (segment && segmentOfStream(recorded.streamType, recorded.streamId, segment.count) !== segment.index) return false;
    if (recorded.event instanceof UndecodableEvent) return this.handledTypes.has(recorded.type);
    return this.subscriber.handlers.has(recorded.event.constructor);
  }

  /** Calls the subscriber's handler for one event. */
  protected async invoke(recorded: RecordedEvent, attempt: number, signal: AbortSignal, db?: Kysely<EventfoldTables>): Promise<void> {
    if (recorded.event instanceof UndecodableEvent) throw recorded.event.error;
    const handler = this.subscriber.handlers.get(recorded.event.constructor);
    if (!handler) return;
    const context = {
      recorded,
      eventId: recorded.eventId,
      position: recorded.position,
      metadata: recorded.metadata,
      attempt,
      signal,
      ...(db ? { db } : { store: this.env.store }),
    };
    await handler(recorded.event, context);
  }

  /**
   * Runs attempts at one event with the subscriber's retry policy. A projection's attempt is a
   * transaction that also runs `alsoInTransaction` (a checkpoint write, a dead letter removal).
   */
  protected attempt(
    recorded: RecordedEvent,
    alsoInTransaction?: (db: Kysely<EventfoldTables>) => Promise<void>,
    attemptsBefore = 0,
  ): Promise<AttemptOutcome> {
    const undecodable = recorded.event instanceof UndecodableEvent;
    const policy = undecodable ? { ...this.subscriber.retry, maxAttempts: 1 } : this.subscriber.retry;
    return attemptWithRetries(
      policy,
      this.name,
      this.stopping.signal,
      this.attemptObserver,
      (attempt, signal) => {
        if (this.subscriber.kind === 'handler') return this.invoke(recorded, attempt, signal);
        return this.inTransaction(signal, async (db) => {
          await this.invoke(recorded, attempt, signal, db);
          await alsoInTransaction?.(db);
        });
      },
      (error) => !(error instanceof StaleCheckpointError),
      attemptsBefore,
    );
  }

  /**
   * Runs `work` in a write transaction that is rolled back if the attempt was abandoned (timed
   * out) meanwhile, so a late finish of an abandoned attempt can never commit beside its retry.
   */
  protected inTransaction(signal: AbortSignal, work: (db: Kysely<EventfoldTables>) => Promise<void>): Promise<void> {
    return this.env.store.transaction(async (db) => {
      await work(db);
      if (signal.aborted) throw signal.reason;
    });
  }

  /**
   * Writes the checkpoint that finishing `positions` gives, inside a projection's transaction,
   * and returns it.
   */
  protected async writeCheckpoint(db: Kysely<EventfoldTables>, positions: readonly number[]): Promise<number> {
    const { checkpoint, ahead } = this.tracker.preview(positions);
    const saved = await this.env.subscriptions.saveCheckpoint(db, this.name, this.env.owner, this.savedPosition, checkpoint, ahead);
    if (!saved) throw new StaleCheckpointError(`the checkpoint of '${this.name}' moved elsewhere or its lease was lost`);
    return checkpoint;
  }

  /**
   * Records positions as finished. `writtenCheckpoint` is the checkpoint a transaction just
   * committed with them; otherwise (or if the checkpoint moved further) a save is scheduled.
   */
  protected finished(events: readonly RecordedEvent[], handled: boolean, writtenCheckpoint?: number): void {
    for (const recorded of events) {
      this.tracker.finish(recorded.position);
      if (handled) {
        this.stats.processed++;
        this.stats.sample(recorded.recordedAt);
      }
    }
    if (writtenCheckpoint !== undefined) this.savedPosition = writtenCheckpoint;
    this.scheduleSave();
    this.resolveWaiters();
  }

  /** Dead-letters an event after its last attempt; returns whether the subscriber goes on. */
  protected async giveUp(recorded: RecordedEvent, outcome: Extract<AttemptOutcome, { kind: 'failed' }>): Promise<boolean> {
    const { deadLetters, store } = this.env;
    this.stats.deadLettered++;
    if (this.subscriber.onFailure === 'halt') {
      await deadLetters.record(store.db, this.name, recorded, outcome.error, outcome.attempts);
      this.halt(recorded, outcome.error);
      return false;
    }
    if (this.subscriber.kind === 'projection') {
      const written = await store.transaction(async (db) => {
        await deadLetters.record(db, this.name, recorded, outcome.error, outcome.attempts);
        return this.writeCheckpoint(db, [recorded.position]);
      });
      this.finished([recorded], false, written);
    } else {
      await deadLetters.record(store.db, this.name, recorded, outcome.error, outcome.attempts);
      this.finished([recorded], false);
    }
    return true;
  }

  /** Handles a failure of eventfold's own work on an event (not the handler's). */
  protected recover(error: unknown): void {
    if (error instanceof StaleCheckpointError) {
      // Another process took over this subscriber; stand by until the lease can be had again.
      this.standBy();
      return;
    }
    this.env.onError(error, this.name);
  }

  protected pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        if (!this.isWorking()) break;
        this.dispatch();
        this.fillFeed();
        if (this.state === 'catching-up' && !this.feed.isBehind) this.state = 'live';
        this.resolveWaiters();
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  /** Removes the dead letter of the event the subscriber had halted on, now that it succeeded. */
  protected async clearHaltedLetter(db: Kysely<EventfoldTables>, positions: readonly number[]): Promise<void> {
    const position = this.haltedPosition;
    if (position === undefined || !positions.includes(position)) return;
    await this.env.deadLetters.remove(db, this.name, position);
    this.haltedPosition = undefined;
  }

  private halt(recorded: RecordedEvent, error: unknown): void {
    this.haltedPosition = recorded.position;
    this.state = 'halted';
    const message = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
    this.haltedReason = `event at position ${recorded.position} (${recorded.type}) failed: ${message}`;
    void this.env.subscriptions.setStatus(this.name, 'halted', this.haltedReason).catch((failure) => this.env.onError(failure, this.name));
    this.settleWaiters();
  }

  private fillFeed(): void {
    if (this.filling || !this.feed.isBehind) return;
    this.filling = true;
    const fill = this.feed.fill().catch(async (error) => {
      // The log could not be read (a lost connection, say): report it and try again shortly.
      this.env.onError(error, this.name);
      await sleep(1000, this.stopping.signal);
    });
    this.track(fill.finally(() => (this.filling = false)));
  }

  private async begin(): Promise<void> {
    const saved = await this.env.subscriptions.load(this.name);
    const position = saved?.position ?? 0;
    this.tracker = new CheckpointTracker(position, saved?.ahead ?? []);
    this.savedPosition = position;
    this.feed = new EventFeed(this.env.store, position, this.subscriber.bufferSize, this.env.pageSize);
    this.forgetTaken();
    this.haltedReason = undefined;
    // A dead letter past the checkpoint that is not finished is the event an earlier run halted
    // on: it is delivered again now, and its dead letter goes once it succeeds.
    const unfinished = (await this.env.deadLetters.list(this.name)).filter((letter) => !this.tracker.isFinished(letter.position));
    this.haltedPosition = unfinished[0]?.position;
    await this.env.subscriptions.setStatus(this.name, 'running');
    if (this.isStopped()) return;
    this.state = 'catching-up';
    this.pump();
  }

  private async keepLease(): Promise<void> {
    if (this.state === 'stopped' || this.handingOver) return;
    try {
      if (this.state === 'standby') {
        if (this.tasks.size === 0) await this.takeOver();
        return;
      }
      const held = await this.env.subscriptions.acquireLease(this.name, this.env.owner, this.env.leaseMs);
      if (!held) this.standBy();
      else if (this.group?.shouldHandOver(this)) {
        this.handingOver = this.handOver().finally(() => (this.handingOver = undefined));
        await this.handingOver;
      }
    } catch (error) {
      this.env.onError(error, this.name);
    }
  }

  /**
   * Takes the lease if it is free and, for a segment, this process is not holding its fair share
   * of the subscriber's segments already.
   */
  private async tryTakeLease(): Promise<boolean> {
    if (this.group && !this.group.mayClaimMore()) return false;
    // Counted while trying, so that sibling segments starting at the same moment do not all try.
    this.claimed = true;
    let held = false;
    try {
      held = await this.env.subscriptions.acquireLease(this.name, this.env.owner, this.env.leaseMs);
    } finally {
      if (!held) this.claimed = false;
    }
    return held;
  }

  /**
   * Takes the lease if it can and starts from the stored checkpoint; true when it did. If the
   * start fails after the lease was taken, the lease is given back so another process (or a later
   * try) can run the subscriber.
   */
  private async takeOver(): Promise<boolean> {
    if (!(await this.tryTakeLease())) return false;
    if (this.isStopped()) {
      await this.env.subscriptions.releaseLease(this.name, this.env.owner);
      this.claimed = false;
      return true;
    }
    try {
      await this.begin();
      return true;
    } catch (error) {
      this.standBy();
      await this.env.subscriptions.releaseLease(this.name, this.env.owner).catch(() => undefined);
      throw error;
    }
  }

  /** Runs `work` while renewing the lease on the usual schedule. */
  private async whileRenewing(work: () => Promise<void>): Promise<void> {
    const renewal = setInterval(() => {
      void this.env.subscriptions.acquireLease(this.name, this.env.owner, this.env.leaseMs).catch((error) => this.env.onError(error, this.name));
    }, this.renewEveryMs());
    renewal.unref();
    try {
      await work();
    } finally {
      clearInterval(renewal);
    }
  }

  private renewEveryMs(): number {
    return Math.max(50, Math.floor(this.env.leaseMs / 3));
  }

  private isStopped(): boolean {
    return (this.state as RunnerState) === 'stopped';
  }

  /** Gives the lease up for another process to take: finishes work in progress, saves the checkpoint, releases. */
  private async handOver(): Promise<void> {
    this.state = 'standby';
    this.settleWaiters();
    try {
      await this.drainAndRelease();
    } finally {
      this.claimed = false;
    }
  }

  /** Waits for every piece of work in progress, including work it starts meanwhile. */
  private async drain(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  /**
   * Lets work in progress finish, saves the checkpoint, records the status and gives up the
   * lease. The lease stays renewed while the work drains, however long it takes: otherwise
   * another process could take the subscriber over and run the same events at the same time.
   */
  private async drainAndRelease(): Promise<void> {
    await this.whileRenewing(async () => {
      await this.drain();
      await this.flush();
    });
    await this.env.subscriptions.setStatus(this.name, this.haltedReason ? 'halted' : 'stopped', this.haltedReason ?? null);
    await this.env.subscriptions.releaseLease(this.name, this.env.owner);
  }

  private standBy(): void {
    this.state = 'standby';
    this.claimed = false;
    this.settleWaiters();
  }

  private scheduleSave(): void {
    if (this.saveTimer || this.tracker.checkpoint === this.savedPosition) return;
    this.saveTimer = setTimeout(() => void this.flush(), 50);
    this.saveTimer.unref();
  }

  private async saveCheckpoint(): Promise<void> {
    // A rebuild is resetting the stored checkpoint: a save of the old one would undo it.
    if (this.savesPaused) return;
    const { checkpoint, ahead } = this.tracker;
    if (checkpoint === this.savedPosition) return;
    try {
      const saved = await this.env.subscriptions.saveCheckpoint(this.env.store.db, this.name, this.env.owner, this.savedPosition, checkpoint, ahead);
      if (saved) this.savedPosition = checkpoint;
      else this.recover(new StaleCheckpointError());
    } catch (error) {
      this.env.onError(error, this.name);
    }
  }

  private reached(position: number): boolean {
    return this.tracker.checkpoint >= position || !this.isWorking();
  }

  private resolveWaiters(): void {
    for (const waiter of this.waiters) {
      if (this.reached(waiter.position)) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  private settleWaiters(): void {
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters.clear();
  }

  private readonly attemptObserver = {
    failed: () => void this.stats.failed++,
    retrying: () => void this.stats.retried++,
  };
}
