import type { Kysely } from 'kysely';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { RecordedEvent } from '../store/recorded-event';
import type { EventfoldTables } from '../store/schema';
import { attemptWithRetries, sleep } from './attempts';
import { EventFeed } from './event-feed';
import { RebuildFailedError } from './subscriber-errors';
import type { RunnerState } from './subscriber-stats';
import { StaleCheckpointError, SubscriberRunner } from './subscriber-runner';

/**
 * Runs a `@Projection`: one transaction at a time, each holding a batch of events together with
 * the checkpoint after them, so the read model reflects every event exactly once whatever
 * happens between two transactions.
 *
 * A batch that fails is not retried as a whole: its events are replayed one per transaction,
 * with the retry policy, so that only the event that really fails goes to the dead letters.
 */
export class ProjectionRunner extends SubscriberRunner {
  private running = false;
  private paused = false;
  /** Events taken but not yet applied, when the projection halted on the first of them. */
  private held: RecordedEvent[] = [];
  private batchSize = this.subscriber.batchSize;
  private stateBeforeRebuild: RunnerState = 'catching-up';
  /** Told as events finish while rebuilding. */
  private onRebuildProgress: (() => void) | undefined;

  /** Whether a rebuild may start here; throws naming the state when not. */
  assertCanRebuild(): void {
    if (!this.isWorking() && this.state !== 'halted') {
      throw new InvalidArgumentError('projection', `'${this.name}' is ${this.state} in this process (another process may hold its lease); rebuild it where it runs.`);
    }
  }

  /** Stops taking events and waits for the transaction in progress: the first step of a rebuild. */
  async pauseForRebuild(): Promise<void> {
    this.stateBeforeRebuild = this.state;
    this.state = 'rebuilding';
    this.paused = true;
    this.savesPaused = true;
    await this.serially(async () => undefined);
  }

  /** Sets the stored checkpoint back to the start and drops the dead letters, inside the rebuild's transaction. */
  async resetStored(db: Kysely<EventfoldTables>): Promise<void> {
    await this.env.subscriptions.resetCheckpoint(db, this.name, 0);
    await this.env.deadLetters.removeAll(db, this.name);
  }

  /** Goes on as before when the rebuild could not reset the database. */
  cancelRebuild(): void {
    this.state = this.stateBeforeRebuild;
    this.savesPaused = false;
    this.paused = false;
    this.pump();
  }

  /**
   * Starts over from the start of the log, once the reset has committed: a fresh feed (a page
   * read in flight belongs to the old one and is dropped with it), nothing finished, nothing
   * saved. Replays in batches of `batchSize`, telling `onProgress` as events finish.
   */
  startOver(batchSize: number, onProgress: () => void): void {
    this.savedPosition = 0;
    this.tracker.reset(0);
    this.feed = new EventFeed(this.env.store, 0, this.subscriber.bufferSize, this.env.pageSize);
    this.held = [];
    this.haltedReason = undefined;
    this.haltedPosition = undefined;
    this.batchSize = batchSize;
    this.onRebuildProgress = onProgress;
    this.savesPaused = false;
    this.paused = false;
    this.pump();
  }

  /**
   * Waits until the log is replayed up to `total`, then carries on live.
   *
   * @throws {@link RebuildFailedError} when the projection halts (or loses its lease) first.
   */
  async replayUntil(total: number): Promise<void> {
    try {
      await this.waitFor(total);
      if (this.state !== 'rebuilding') {
        throw new RebuildFailedError(this.name, this.tracker.checkpoint, total, this.haltedReason ?? `the projection is ${this.state}`);
      }
    } finally {
      this.endRebuild();
    }
  }

  /** Leaves rebuilding: carries on from where the replay got to, with the usual batch size. */
  endRebuild(): void {
    this.onRebuildProgress = undefined;
    this.batchSize = this.subscriber.batchSize;
    if (this.state === 'rebuilding') {
      this.state = 'catching-up';
      this.pump();
    }
  }

  /** Every event up to this position is applied (or not this projection's to apply). */
  get replayedUpTo(): number {
    return this.tracker.checkpoint;
  }

  protected dispatch(): void {
    if (this.running || this.paused || this.state === 'halted') return;
    const batch = this.held.splice(0, this.batchSize);
    while (batch.length < this.batchSize) {
      const recorded = this.takeNext();
      if (!recorded) break;
      batch.push(recorded);
    }
    if (batch.length === 0) return;
    this.running = true;
    this.track(
      this.serially(() => this.apply(batch)).finally(() => {
        this.running = false;
      }),
    );
  }

  protected override finished(events: readonly RecordedEvent[], handled: boolean, writtenCheckpoint?: number): void {
    super.finished(events, handled, writtenCheckpoint);
    this.onRebuildProgress?.();
  }

  protected haltedOn(position: number): boolean {
    return this.held[0]?.position === position;
  }

  protected async skipHaltedEvent(position: number): Promise<void> {
    const halted = this.held[0];
    if (!halted || halted.position !== position) return;
    await this.serially(async () => {
      const written = await this.env.store.transaction(async (db) => {
        await this.env.deadLetters.remove(db, this.name, position);
        return this.writeCheckpoint(db, [position]);
      });
      this.haltedPosition = undefined;
      this.held.shift();
      this.finished([halted], false, written);
    });
  }

  protected onResume(): void {
    // The held events are first in line at the next dispatch.
  }

  protected forgetTaken(): void {
    this.held = [];
  }

  private async apply(batch: RecordedEvent[]): Promise<void> {
    try {
      if (batch.length > 1 && (await this.applyTogether(batch))) return;
      for (let index = 0; index < batch.length; index++) {
        const recorded = batch[index];
        let written: number | undefined;
        const outcome = await this.attempt(recorded, async (db) => {
          await this.clearHaltedLetter(db, [recorded.position]);
          written = await this.writeCheckpoint(db, [recorded.position]);
        });
        if (outcome.kind === 'stopped') return;
        if (outcome.kind === 'succeeded') {
          this.finished([recorded], true, written);
          continue;
        }
        if (outcome.error instanceof StaleCheckpointError) throw outcome.error;
        if (!(await this.giveUp(recorded, outcome))) {
          this.held = [...batch.slice(index), ...this.held];
          return;
        }
      }
    } catch (error) {
      if (error instanceof StaleCheckpointError) return this.recover(error);
      // eventfold's own bookkeeping failed (the database went away, say). Nothing of the failed
      // transaction was committed: the events not finished go back to the front of the line and
      // are applied again shortly, rather than leaving the projection stuck behind them.
      this.env.onError(error, this.name);
      this.held = [...batch.filter((recorded) => !this.tracker.isFinished(recorded.position)), ...this.held];
      await sleep(1000, this.stopping.signal);
    }
  }

  /** One transaction for the whole batch; false when it failed and must be split. */
  private async applyTogether(batch: RecordedEvent[]): Promise<boolean> {
    const once = { ...this.subscriber.retry, maxAttempts: 1 };
    const ignore = { failed: () => undefined, retrying: () => undefined };
    let written: number | undefined;
    const outcome = await attemptWithRetries(
      once,
      this.name,
      this.stopping.signal,
      ignore,
      (attempt, signal) =>
        this.inTransaction(signal, async (db) => {
          for (const recorded of batch) await this.invoke(recorded, attempt, signal, db);
          const positions = batch.map((recorded) => recorded.position);
          await this.clearHaltedLetter(db, positions);
          written = await this.writeCheckpoint(db, positions);
        }),
      (error) => !(error instanceof StaleCheckpointError),
    );
    if (outcome.kind === 'succeeded') this.finished(batch, true, written);
    else if (outcome.kind === 'failed' && outcome.error instanceof StaleCheckpointError) throw outcome.error;
    return outcome.kind === 'succeeded';
  }
}
