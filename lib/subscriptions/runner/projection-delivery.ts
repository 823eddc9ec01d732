import type { RecordedEvent } from '../../store/recorded-event';
import { sleep } from '../attempts';
import type { RunnerState } from '../subscriber-stats';
import { StaleCheckpointError } from './checkpoint-writer';
import type { Delivery, DeliveryHost } from './delivery';

/**
 * Delivers to a `@Projection`: one transaction at a time, each holding a batch of events together
 * with the checkpoint after them, so the read model reflects every event exactly once whatever
 * happens between two transactions.
 *
 * A batch that fails is not retried as a whole: its events are replayed one per transaction,
 * with the retry policy, so that only the event that really fails goes to the dead letters. An
 * event the journal wants attempted alone (after a crash) is a batch by itself.
 */
export class ProjectionDelivery implements Delivery {
  private running = false;
  private paused = false;
  /** Events taken but not yet applied: the one the projection halted on and those after it, or a batch that waits to be announced. */
  private held: RecordedEvent[] = [];
  private batchSize: number;
  private stateBeforeRebuild: RunnerState = 'catching-up';
  /** Told as events finish while rebuilding. */
  onProgress: (() => void) | undefined;

  constructor(private readonly host: DeliveryHost) {
    this.batchSize = host.subscriber.batchSize;
  }

  dispatch(): void {
    if (this.running || this.paused || this.host.state === 'halted') return;
    const batch = this.nextBatch();
    const first = batch[0];
    const last = batch.at(-1);
    if (first === undefined || last === undefined) return;
    const { journal, checkpoints } = this.host;
    if (!journal.isAnnounced(first.position, last.position, checkpoints.checkpoint)) {
      this.held = [...batch, ...this.held];
      return;
    }
    this.running = true;
    this.host.track(
      checkpoints
        .serially(() => this.apply(batch))
        .finally(() => {
          this.running = false;
        }),
    );
  }

  haltedOn(position: number): boolean {
    return this.host.state === 'halted' && this.held[0]?.position === position;
  }

  async skipHaltedEvent(position: number): Promise<void> {
    const halted = this.held[0];
    if (!halted || halted.position !== position) return;
    const { env, name, checkpoints } = this.host;
    await checkpoints.serially(async () => {
      const written = await env.store.eventfoldTransaction(async (db) => {
        await env.deadLetters.remove(db, name, position);
        return checkpoints.writeIn(db, [position]);
      });
      this.held.shift();
      this.host.finished([halted], false, written);
    });
  }

  onResume(): void {
    // The held events are first in line at the next dispatch.
  }

  forgetTaken(): void {
    this.held = [];
  }

  /** Stops taking events and waits for the transaction in progress: the first step of a rebuild. */
  async pause(): Promise<void> {
    this.stateBeforeRebuild = this.host.state;
    this.host.moveTo('rebuilding');
    this.paused = true;
    this.host.checkpoints.pauseSaves();
    await this.host.checkpoints.serially(async () => undefined);
  }

  /** Goes on as before the pause (a rebuild that could not reset the database). */
  unpause(): void {
    this.host.moveTo(this.stateBeforeRebuild);
    this.host.checkpoints.resumeSaves();
    this.paused = false;
    this.host.pump();
  }

  /** Drops what was taken and goes on in batches of `batchSize` (a rebuild's replay, or the usual size). */
  restart(batchSize: number): void {
    this.held = [];
    this.batchSize = batchSize;
    this.host.checkpoints.resumeSaves();
    this.paused = false;
  }

  /** Leaves rebuilding: the usual batch size, and no more progress reports. */
  endRebuild(): void {
    this.onProgress = undefined;
    this.batchSize = this.host.subscriber.batchSize;
  }

  /** Events for the next transaction: the held ones first, then the feed's; an event to be attempted alone goes alone. */
  private nextBatch(): RecordedEvent[] {
    const { journal } = this.host;
    const batch: RecordedEvent[] = [];
    let fromHeld = 0;
    while (batch.length < this.batchSize) {
      const inHeld = fromHeld < this.held.length;
      const recorded = inHeld ? this.held[fromHeld] : this.host.takeNext();
      if (!recorded) break;
      const alone = journal.isCareful(recorded.position);
      if (alone && batch.length > 0) {
        // It goes in the next transaction, by itself.
        if (!inHeld) this.held.push(recorded);
        break;
      }
      if (inHeld) fromHeld++;
      batch.push(recorded);
      if (alone) break;
    }
    this.held.splice(0, fromHeld);
    return batch;
  }

  private async apply(batch: RecordedEvent[]): Promise<void> {
    const { host } = this;
    try {
      if (batch.length > 1 && (await this.applyTogether(batch))) return;
      for (const [index, recorded] of batch.entries()) {
        let written: number | undefined;
        const outcome = await host.attempts.attempt(recorded, async (db) => {
          await host.clearHaltedLetter(db, [recorded.position]);
          written = await host.checkpoints.writeIn(db, [recorded.position]);
        });
        if (outcome.kind === 'stopped') return;
        if (outcome.kind === 'succeeded') {
          host.finished([recorded], true, written);
          continue;
        }
        if (outcome.error instanceof StaleCheckpointError) throw outcome.error;
        if (!(await host.giveUp(recorded, outcome))) {
          this.held = [...batch.slice(index), ...this.held];
          return;
        }
      }
    } catch (error) {
      if (error instanceof StaleCheckpointError) return host.recover(error);
      // eventfold's own bookkeeping failed (the database went away, say). Nothing of the failed
      // transaction was committed: the events not finished go back to the front of the line and
      // are applied again shortly, rather than leaving the projection stuck behind them.
      host.env.onError(error, host.name);
      this.held = [...batch.filter((recorded) => !host.checkpoints.tracker.isFinished(recorded.position)), ...this.held];
      await sleep(1000, host.stopping);
    }
  }

  /** One transaction for the whole batch; false when it failed and must be split. */
  private async applyTogether(batch: RecordedEvent[]): Promise<boolean> {
    const { host } = this;
    let written: number | undefined;
    const positions = batch.map((recorded) => recorded.position);
    const outcome = await host.attempts.attemptTogether(batch, async (db) => {
      await host.clearHaltedLetter(db, positions);
      written = await host.checkpoints.writeIn(db, positions);
    });
    if (outcome.kind === 'succeeded') host.finished(batch, true, written);
    else if (outcome.kind === 'failed' && outcome.error instanceof StaleCheckpointError) throw outcome.error;
    return outcome.kind === 'succeeded';
  }
}
