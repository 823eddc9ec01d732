import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { RecordedEvent } from '../store/recorded-event';
import { attemptWithRetries, sleep } from './attempts';
import { RebuildFailedError, RebuildNotSupportedError } from './subscriber-errors';
import { StaleCheckpointError, SubscriberRunner } from './subscriber-runner';

/** How far a rebuild has come. */
export interface RebuildProgress {
  /** Events of the log replayed so far (by position). */
  readonly done: number;
  /** Events to replay: the head of the log when the rebuild started. */
  readonly total: number;
  /** Events per second so far. */
  readonly rate: number;
  readonly elapsedMs: number;
  /** Estimated milliseconds left at the current rate; NaN until there is a rate. */
  readonly etaMs: number;
}

/** Options of a projection rebuild. */
export interface RebuildOptions {
  /** Told of progress at most every `progressIntervalMs` and once at the end. */
  onProgress?: (progress: RebuildProgress) => void;
  /** Defaults to 200 ms. */
  progressIntervalMs?: number;
  /** Events per transaction while rebuilding. Defaults to the larger of 1000 and the projection's batchSize. */
  batchSize?: number;
}

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
  private progress: { total: number; startedAt: number; lastReport: number; options: RebuildOptions } | undefined;

  /**
   * Empties the read model with the projection's `reset(db)`, resets its checkpoint and replays
   * the whole log into it, then carries on live.
   */
  async rebuild(options: RebuildOptions = {}): Promise<RebuildProgress> {
    const reset = this.subscriber.reset;
    if (!reset) throw new RebuildNotSupportedError(this.name);
    if (!this.isWorking() && this.state !== 'halted') {
      throw new InvalidArgumentError('projection', `'${this.name}' is ${this.state} in this process (another process may hold its lease); rebuild it where it runs.`);
    }
    const batchSize = options.batchSize ?? Math.max(1000, this.subscriber.batchSize);
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError('options.batchSize', `expected a whole number >= 1, got ${String(batchSize)}.`);
    this.state = 'rebuilding';
    this.paused = true;
    await this.serially(async () => {
      await this.env.store.transaction(async (db) => {
        await reset(db as never);
        await this.env.subscriptions.resetCheckpoint(db, this.name, 0);
        await this.env.deadLetters.removeAll(db, this.name);
      });
      this.savedPosition = 0;
      this.tracker.reset(0);
      this.feed.restartAfter(0);
      this.held = [];
      this.haltedReason = undefined;
    }).finally(() => (this.paused = false));
    const total = await this.env.store.headPosition();
    this.progress = { total, startedAt: Date.now(), lastReport: 0, options };
    this.batchSize = batchSize;
    try {
      this.pump();
      await this.waitFor(total);
      if (this.state !== 'rebuilding') {
        throw new RebuildFailedError(this.name, this.tracker.checkpoint, total, this.haltedReason ?? `the projection is ${this.state}`);
      }
      const final = this.reportProgress(true) as RebuildProgress;
      this.state = 'catching-up';
      this.pump();
      return final;
    } finally {
      this.progress = undefined;
      this.batchSize = this.subscriber.batchSize;
    }
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
    if (this.progress) this.reportProgress(false);
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

  private reportProgress(final: boolean): RebuildProgress | undefined {
    const progress = this.progress;
    if (!progress) return undefined;
    const now = Date.now();
    if (!final && now - progress.lastReport < (progress.options.progressIntervalMs ?? 200)) return undefined;
    progress.lastReport = now;
    const done = Math.min(this.tracker.checkpoint, progress.total);
    const elapsedMs = now - progress.startedAt;
    const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
    // Without a rate yet there is no estimate: say so (NaN) rather than "nothing left".
    const report = { done, total: progress.total, rate, elapsedMs, etaMs: rate > 0 ? ((progress.total - done) / rate) * 1000 : done >= progress.total ? 0 : Number.NaN };
    progress.options.onProgress?.(report);
    return report;
  }
}
