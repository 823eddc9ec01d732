import type { Kysely } from 'kysely';
import type { RecordedEvent } from '../../store/recorded-event';
import type { EventfoldTables } from '../../store/schema';
import type { AttemptOutcome } from '../attempts';
import type { BoundSubscriber } from '../bound-subscriber';
import type { SegmentGroup } from '../segments/segment-group';
import { StatsCollector, type RunnerState, type SubscriberStats } from '../subscriber-stats';
import { AttemptJournal } from './attempt-journal';
import { CheckpointWriter, StaleCheckpointError } from './checkpoint-writer';
import { DeadLettering } from './dead-lettering';
import type { Delivery, DeliveryHost } from './delivery';
import { EventAttempts } from './event-attempts';
import { HandlerDelivery } from './handler-delivery';
import { IdleRest } from './idle-rest';
import { LeaseKeeper } from './lease-keeper';
import { ProgressWaiters } from './progress-waiters';
import { ProjectionDelivery } from './projection-delivery';
import type { RunnerEnvironment } from './runner-environment';
import { SubscriberFeed } from './subscriber-feed';
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
  /** Parking and halting, and the operator's answers to them. */
  readonly deadLettering: DeadLettering;
  private current: RunnerState = 'starting';
  private readonly feed: SubscriberFeed;
  /** Aborted when the work of this tenure of the lease is to end: a stop, or the lease lost. */
  private work = new AbortController();
  private readonly idleRest: IdleRest;
  private readonly waiters = new ProgressWaiters();
  private readonly tasks = new Set<Promise<void>>();
  private readonly lifecycle: RunnerLifecycle;
  private pumping = false;
  private pumpAgain = false;
  private pumpScheduled = false;
  /** Live events were offered while work was in flight: the work that ends next takes them at once. */
  private offeredWhileBusy = false;
  /** A stop began: work in progress finishes, and nothing new starts meanwhile. */
  private closing = false;

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
      subscriber.batchSize,
      () => this.pump(),
      () => this.recover(new StaleCheckpointError()),
    );
    this.attempts = new EventAttempts(env, subscriber, () => this.stopping, this.stats, this.journal);
    // A process manager's steps commit with its checkpoint, as a projection's batches do.
    this.projection = subscriber.kind === 'handler' ? undefined : new ProjectionDelivery(this);
    this.delivery = this.projection ?? new HandlerDelivery(this);
    this.feed = new SubscriberFeed(env, subscriber);
    this.lifecycle = new RunnerLifecycle(this);
    this.idleRest = new IdleRest({
      isIdle: () => this.isIdle(),
      rest: () => this.journal.rest(this.checkpoints.checkpoint),
      onError: (error) => env.onError(error, subscriber.name),
    });
    this.deadLettering = new DeadLettering(this);
  }

  get name(): string {
    return this.subscriber.name;
  }

  get state(): RunnerState {
    return this.current;
  }

  get stopping(): AbortSignal {
    return this.work.signal;
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
    // Stopped is for good: work that settles after stop() (a halt being recorded, a rebuild
    // giving up) must not bring the subscriber back to life.
    if (this.current === 'stopped') return;
    this.current = next;
    if (!isWorking(next)) this.waiters.settleAll();
  }

  /** Aborts the attempts of this tenure of the lease: it was lost, and another process delivers its events now. */
  abandonWork(): void {
    this.work.abort();
  }

  /** Takes the lease (or waits for it in standby) and starts catching up from the checkpoint. */
  start(): Promise<void> {
    return this.lifecycle.start();
  }

  /** Live events, right after their append committed. */
  offer(events: readonly RecordedEvent[]): void {
    this.feed.offer(events, this.isWorking);
    if (this.isBusy) this.offeredWhileBusy = true;
    this.pump();
  }

  /** The log's head as last seen, which may include appends of other processes. */
  noticeHead(head: number): void {
    this.feed.noticeHead(head, this.isWorking);
    this.pump();
  }

  /** Events in the log after the checkpoint, as far as this process knows the log. */
  get lag(): number {
    return Math.max(0, this.feed.head - this.checkpoints.checkpoint);
  }

  /**
   * Resolves once every event up to `position` is finished, or the subscriber cannot go on, or
   * `release` aborts (the caller stopped waiting).
   */
  waitFor(position: number, release?: AbortSignal): Promise<void> {
    this.noticeHead(position);
    if (this.reached(position)) return Promise.resolve();
    return this.waiters.add(position, release);
  }

  /** Starts over from the checkpoint as stored, as when the lease was taken (after a rebuild was undone). */
  restartFromStored(): Promise<void> {
    return this.lifecycle.begin();
  }

  /**
   * Starts nothing new from now on, ahead of {@link SubscriberRunner.stop}: a stop first waits for
   * the dispatcher's watch and for a renewal of the lease in flight, and an event taken meanwhile
   * would make the process that is being stopped wait for it too.
   */
  stopTaking(): void {
    this.closing = true;
  }

  /** Lets in-flight work finish, saves the checkpoint and gives up the lease. Safe to call twice. */
  stop(): Promise<void> {
    this.stopTaking();
    return this.lifecycle.stop();
  }

  /** Aborts attempts in progress and waits for every piece of work, including work it starts meanwhile. */
  async drain(): Promise<void> {
    this.work.abort();
    this.idleRest.cancel();
    await this.settle();
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
      ...(this.deadLettering.haltedReason ? { haltedReason: this.deadLettering.haltedReason } : {}),
    };
  }

  /**
   * Starts over from a checkpoint as stored: a fresh feed (a page read in flight belongs to the
   * old one and is dropped with it), nothing taken, no halt.
   */
  restartAt(position: number, ahead: readonly number[] = [], saved = position): void {
    if (this.work.signal.aborted) this.work = new AbortController();
    this.checkpoints.restartAt(position, ahead, saved);
    this.feed.restartAfter(position);
    this.delivery.forgetTaken();
    this.deadLettering.reset();
  }

  giveUp(recorded: RecordedEvent, outcome: Extract<AttemptOutcome, { kind: 'failed' }>): Promise<boolean> {
    return this.deadLettering.giveUp(recorded, outcome);
  }

  clearHaltedLetter(db: Kysely<EventfoldTables>, positions: readonly number[]): Promise<void> {
    return this.deadLettering.clearHaltedLetter(db, positions);
  }

  takeNext(): RecordedEvent | undefined {
    const { tracker } = this.checkpoints;
    for (;;) {
      const recorded = this.feed.next();
      if (!recorded) return undefined;
      tracker.take(recorded.position);
      if (tracker.isFinished(recorded.position) || !this.feed.handles(recorded)) {
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
        this.pumpAfterWork();
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

  recover(error: unknown): void {
    if (error instanceof StaleCheckpointError) {
      // Another process took over this subscriber; stand by until the lease can be had again.
      this.lifecycle.loseLease();
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
        if (!this.isWorking || this.closing) break;
        this.delivery.dispatch();
        this.feed.fill((task) => this.track(task), this.stopping);
        if (this.current === 'catching-up' && !this.feed.isBehind) this.moveTo('live');
        this.idleRest.notice();
        this.waiters.resolveReached((position) => this.reached(position));
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  private isIdle(): boolean {
    return this.current === 'live' && !this.isBusy && this.feed.drained && !this.checkpoints.tracker.hasWorkInProgress && this.journal.hasAnnouncement;
  }

  /**
   * better-sqlite3 answers synchronously, so a catch-up or rebuild would otherwise run as one
   * unbroken chain of promises: lease renewals, polls, signals and the application's own timers
   * would wait for its end. The next piece of work starts in a later turn of the event loop
   * instead, within the turn's budget ({@link TurnBudget}), and only one is queued at a time:
   * each would otherwise start work that queues more, and one turn would run ever more
   * transactions back to back.
   */
  private pumpAfterWork(): void {
    // Live events offered during the work came from the application's own appends: taking them
    // now keeps pace with an application that appends without yielding, which would otherwise
    // leave them to pile up past the buffer and be read back from the log. One offer allows one
    // such step, so the chain is no longer than the application's own.
    if (this.offeredWhileBusy) {
      this.offeredWhileBusy = false;
      this.pump();
      return;
    }
    this.pumpLater();
  }

  private pumpLater(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    this.env.turns.schedule(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private reached(position: number): boolean {
    return this.checkpoints.checkpoint >= position || !this.isWorking;
  }
}

function isWorking(state: RunnerState): boolean {
  return state === 'catching-up' || state === 'live' || state === 'rebuilding';
}
