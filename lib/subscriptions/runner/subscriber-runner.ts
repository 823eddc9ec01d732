import type { Kysely } from 'kysely';
import { readEventDefinition } from '../../events/domain-event.decorator';
import type { RecordedEvent } from '../../store/recorded-event';
import type { EventfoldTables } from '../../store/schema';
import { sleep, type AttemptOutcome } from '../attempts';
import type { BoundSubscriber } from '../bound-subscriber';
import type { DeadLetter } from '../dead-letter-store';
import { EventFeed, UndecodableEvent } from '../event-feed';
import type { SegmentGroup } from '../segments/segment-group';
import { segmentOfStream } from '../segments/segments';
import { StatsCollector, type RunnerState, type SubscriberStats } from '../subscriber-stats';
import { AttemptJournal } from './attempt-journal';
import { CheckpointWriter, StaleCheckpointError } from './checkpoint-writer';
import type { Delivery, DeliveryHost } from './delivery';
import { EventAttempts } from './event-attempts';
import { HandlerDelivery } from './handler-delivery';
import { LeaseKeeper } from './lease-keeper';
import { ProgressWaiters } from './progress-waiters';
import { ProjectionDelivery } from './projection-delivery';
import type { RunnerEnvironment } from './runner-environment';
import { RunnerLifecycle } from './runner-lifecycle';

/**
 * Runs one subscriber: feeds it events from its checkpoint on (the log first, then live) through
 * its {@link Delivery}, and ties together the parts that own the rest: the lease
 * ({@link LeaseKeeper}), the checkpoint ({@link CheckpointWriter}), attempts cut short by crashes
 * ({@link AttemptJournal}), calls to the handlers ({@link EventAttempts}) and callers waiting for
 * progress ({@link ProgressWaiters}). Its state changes in one place, {@link SubscriberRunner.moveTo}.
 */
export class SubscriberRunner implements DeliveryHost {
  readonly stats = new StatsCollector();
  readonly lease: LeaseKeeper;
  readonly checkpoints: CheckpointWriter;
  readonly journal: AttemptJournal;
  readonly attempts: EventAttempts;
  readonly delivery: Delivery;
  /** The delivery of a projection, which rebuilds use; undefined for a handler. */
  readonly projection: ProjectionDelivery | undefined;
  haltedReason: string | undefined;
  /** Position of the event the subscriber halted on; its dead letter goes once it succeeds. */
  haltedPosition: number | undefined;
  private current: RunnerState = 'starting';
  private feed: EventFeed;
  private readonly stopController = new AbortController();
  private readonly waiters = new ProgressWaiters();
  private readonly tasks = new Set<Promise<void>>();
  private readonly handledTypes: Set<string>;
  private readonly lifecycle: RunnerLifecycle;
  private head = 0;
  private pumping = false;
  private pumpAgain = false;
  private filling = false;
  private pumpScheduled = false;

  constructor(
    readonly env: RunnerEnvironment,
    readonly subscriber: BoundSubscriber,
    group?: SegmentGroup,
  ) {
    this.lease = new LeaseKeeper(env, subscriber.name, group);
    group?.add(this.lease);
    this.checkpoints = new CheckpointWriter(env, subscriber.name, (error) => this.recover(error));
    this.journal = new AttemptJournal(
      env,
      subscriber.name,
      subscriber.maxCrashes,
      () => this.pump(),
      () => this.recover(new StaleCheckpointError()),
    );
    this.attempts = new EventAttempts(env, subscriber, this.stopping, this.stats, this.journal);
    this.projection = subscriber.kind === 'projection' ? new ProjectionDelivery(this) : undefined;
    this.delivery = this.projection ?? new HandlerDelivery(this);
    this.feed = this.newFeed(0);
    this.handledTypes = new Set(subscriber.eventClasses.map((eventClass) => readEventDefinition(eventClass)?.name ?? ''));
    this.lifecycle = new RunnerLifecycle(this);
  }

  get name(): string {
    return this.subscriber.name;
  }

  get state(): RunnerState {
    return this.current;
  }

  get stopping(): AbortSignal {
    return this.stopController.signal;
  }

  /** Whether the subscriber takes events now. */
  get isWorking(): boolean {
    return isWorking(this.current);
  }

  /** Whether work (a handler call, a transaction, a read of the log) is in progress. */
  get isBusy(): boolean {
    return this.tasks.size > 0;
  }

  /** Changes state; the only place state changes. Waiters are released when the subscriber stops working here. */
  moveTo(next: RunnerState): void {
    this.current = next;
    if (!isWorking(next)) this.waiters.settleAll();
  }

  /** Takes the lease (or waits for it in standby) and starts catching up from the checkpoint. */
  start(): Promise<void> {
    return this.lifecycle.start();
  }

  /** Live events, right after their append committed. */
  offer(events: readonly RecordedEvent[]): void {
    this.head = Math.max(this.head, events[events.length - 1].position);
    if (!this.isWorking) return;
    this.feed.offer(events);
    this.pump();
  }

  /** The log's head as last seen, which may include appends of other processes. */
  noticeHead(head: number): void {
    this.head = Math.max(this.head, head);
    if (!this.isWorking) return;
    this.feed.noticeHead(head);
    this.pump();
  }

  /** Events in the log after the checkpoint, as far as this process knows the log. */
  get lag(): number {
    return Math.max(0, this.head - this.checkpoints.checkpoint);
  }

  /** Resolves once every event up to `position` is finished, or the subscriber cannot go on. */
  waitFor(position: number): Promise<void> {
    this.noticeHead(position);
    if (this.reached(position)) return Promise.resolve();
    return this.waiters.add(position);
  }

  /** Writes the checkpoint now if it moved since the last write. */
  flush(): Promise<void> {
    return this.checkpoints.flush();
  }

  /** Lets in-flight work finish, saves the checkpoint and gives up the lease. Safe to call twice. */
  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  /** Aborts attempts in progress and waits for every piece of work, including work it starts meanwhile. */
  async drain(): Promise<void> {
    this.stopController.abort();
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  /** Waits for work in progress without aborting it (a hand-over). */
  async settle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  /** A snapshot of this subscriber's figures. */
  snapshot(): SubscriberStats {
    return {
      name: this.name,
      kind: this.subscriber.kind,
      state: this.current,
      processed: this.stats.processed,
      retried: this.stats.retried,
      failed: this.stats.failed,
      deadLettered: this.stats.deadLettered,
      checkpoint: this.checkpoints.checkpoint,
      lag: this.lag,
      latencyMs: this.stats.percentiles(),
      ...(this.haltedReason ? { haltedReason: this.haltedReason } : {}),
    };
  }

  /** Gives a parked dead letter one more series of attempts; true when it now succeeded. */
  async retryDeadLetter(letter: DeadLetter): Promise<boolean> {
    if (this.current === 'halted' && this.delivery.haltedOn(letter.position)) {
      this.resume();
      await this.waitFor(letter.position);
      return this.checkpoints.tracker.isFinished(letter.position);
    }
    let recorded: RecordedEvent | undefined;
    for await (const found of this.env.store.readAll({ from: letter.position, to: letter.position })) recorded = found;
    if (!recorded) return false;
    const removeLetter = (db: Kysely<EventfoldTables>) => this.env.deadLetters.remove(db, this.name, letter.position);
    const projection = this.subscriber.kind === 'projection';
    const outcome = await this.attempts.attempt(recorded, projection ? removeLetter : undefined, letter.attempts);
    if (outcome.kind === 'succeeded' && !projection) await removeLetter(this.env.store.db);
    if (outcome.kind === 'failed') await this.env.deadLetters.record(this.env.store.db, this.name, recorded, outcome.error, outcome.attempts);
    if (outcome.kind === 'succeeded') {
      // It counts as processed now, and no longer as dead-lettered.
      this.stats.processed++;
      this.stats.deadLettered = Math.max(0, this.stats.deadLettered - 1);
    }
    return outcome.kind === 'succeeded';
  }

  /** Drops a dead letter; a subscriber halted on it moves past the event and resumes. */
  async discardDeadLetter(letter: DeadLetter): Promise<void> {
    if (this.current === 'halted' && this.delivery.haltedOn(letter.position)) {
      await this.delivery.skipHaltedEvent(letter.position);
      if (this.haltedPosition === letter.position) this.haltedPosition = undefined;
      this.resume();
    } else {
      await this.env.deadLetters.remove(this.env.store.db, this.name, letter.position);
    }
  }

  /** Clears a halt and carries on from the event it halted on. */
  resume(): void {
    if (this.current !== 'halted') return;
    this.haltedReason = undefined;
    this.moveTo('catching-up');
    void this.env.subscriptions.setStatus(this.name, 'running').catch((error) => this.env.onError(error, this.name));
    this.delivery.onResume();
    this.pump();
  }

  /**
   * Starts over from a checkpoint as stored: a fresh feed (a page read in flight belongs to the
   * old one and is dropped with it), nothing taken, no halt.
   */
  restartAt(position: number, ahead: readonly number[] = [], saved = position): void {
    this.checkpoints.restartAt(position, ahead, saved);
    this.feed = this.newFeed(position);
    this.delivery.forgetTaken();
    this.haltedReason = undefined;
    this.haltedPosition = undefined;
  }

  takeNext(): RecordedEvent | undefined {
    const { tracker } = this.checkpoints;
    for (;;) {
      const recorded = this.feed.next();
      if (!recorded) return undefined;
      tracker.take(recorded.position);
      if (tracker.isFinished(recorded.position) || !this.handles(recorded)) {
        this.finished([recorded], false);
        continue;
      }
      return recorded;
    }
  }

  track(task: Promise<void>): void {
    const tracked = task
      .catch((error) => this.env.onError(error, this.name))
      .finally(() => {
        this.tasks.delete(tracked);
        this.pumpLater();
      });
    this.tasks.add(tracked);
  }

  finished(events: readonly RecordedEvent[], handled: boolean, writtenCheckpoint?: number): void {
    const { tracker } = this.checkpoints;
    for (const recorded of events) {
      tracker.finish(recorded.position);
      this.journal.finished(recorded.position);
      if (handled) {
        this.stats.processed++;
        this.stats.sample(recorded.recordedAt);
      }
    }
    if (writtenCheckpoint !== undefined) this.checkpoints.committed(writtenCheckpoint);
    this.checkpoints.scheduleSave();
    this.waiters.resolveReached((position) => this.reached(position));
    this.projection?.onProgress?.();
  }

  async giveUp(recorded: RecordedEvent, outcome: Extract<AttemptOutcome, { kind: 'failed' }>): Promise<boolean> {
    const { deadLetters, store, reports } = this.env;
    this.stats.deadLettered++;
    if (this.subscriber.onFailure === 'halt') {
      const id = await deadLetters.record(store.db, this.name, recorded, outcome.error, outcome.attempts);
      this.halt(recorded, outcome.error);
      reports.halted(this.name, recorded, id, outcome.attempts, outcome.error);
      return false;
    }
    let id: number;
    if (this.subscriber.kind === 'projection') {
      let written = 0;
      id = await store.transaction(async (db) => {
        const letter = await deadLetters.record(db, this.name, recorded, outcome.error, outcome.attempts);
        written = await this.checkpoints.writeIn(db, [recorded.position]);
        return letter;
      });
      this.finished([recorded], false, written);
    } else {
      id = await deadLetters.record(store.db, this.name, recorded, outcome.error, outcome.attempts);
      this.finished([recorded], false);
    }
    reports.parked(this.name, recorded, id, outcome.attempts, outcome.error);
    return true;
  }

  async clearHaltedLetter(db: Kysely<EventfoldTables>, positions: readonly number[]): Promise<void> {
    const position = this.haltedPosition;
    if (position === undefined || !positions.includes(position)) return;
    await this.env.deadLetters.remove(db, this.name, position);
    this.haltedPosition = undefined;
  }

  recover(error: unknown): void {
    if (error instanceof StaleCheckpointError) {
      // Another process took over this subscriber; stand by until the lease can be had again.
      if (this.current !== 'standby' && this.current !== 'stopped') this.env.reports.leaseLost(this.name);
      this.lifecycle.standBy();
      return;
    }
    this.env.onError(error, this.name);
  }

  pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        if (!this.isWorking) break;
        this.delivery.dispatch();
        this.fillFeed();
        if (this.current === 'catching-up' && !this.feed.isBehind) this.moveTo('live');
        this.waiters.resolveReached((position) => this.reached(position));
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  /**
   * better-sqlite3 answers synchronously, so a catch-up or rebuild would otherwise run as one
   * unbroken chain of promises: lease renewals, polls, signals and the application's own timers
   * would wait for its end. The next piece of work starts in a later turn of the event loop
   * instead, and only one such turn is queued at a time: each would otherwise start work that
   * queues more, and one turn would run ever more transactions back to back.
   */
  private pumpLater(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /**
   * Whether the subscriber has a handler for this event (or would have, were it decodable), and,
   * for a segment, whether the event's stream is the segment's.
   */
  private handles(recorded: RecordedEvent): boolean {
    const segment = this.subscriber.segment;
    if (segment && segmentOfStream(recorded.streamType, recorded.streamId, segment.count) !== segment.index) return false;
    if (recorded.event instanceof UndecodableEvent) return this.handledTypes.has(recorded.type);
    return this.subscriber.handlers.has(recorded.event.constructor);
  }

  private halt(recorded: RecordedEvent, error: unknown): void {
    this.haltedPosition = recorded.position;
    const message = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
    this.haltedReason = `event at position ${recorded.position} (${recorded.type}) failed: ${message}`;
    this.moveTo('halted');
    void this.env.subscriptions.setStatus(this.name, 'halted', this.haltedReason).catch((failure) => this.env.onError(failure, this.name));
  }

  private fillFeed(): void {
    if (this.filling || !this.feed.isBehind) return;
    this.filling = true;
    const fill = this.feed.fill().catch(async (error) => {
      // The log could not be read (a lost connection, say): report it and try again shortly.
      this.env.onError(error, this.name);
      await sleep(1000, this.stopping);
    });
    this.track(fill.finally(() => (this.filling = false)));
  }

  private reached(position: number): boolean {
    return this.checkpoints.checkpoint >= position || !this.isWorking;
  }

  private newFeed(after: number): EventFeed {
    return new EventFeed(this.env.store, after, this.subscriber.bufferSize, this.env.pageSize);
  }
}

function isWorking(state: RunnerState): boolean {
  return state === 'catching-up' || state === 'live' || state === 'rebuilding';
}
