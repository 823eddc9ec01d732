import type { Kysely } from 'kysely';
import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import type { EventfoldTables } from '../../store/schema';
import type { BoundSubscriber } from '../bound-subscriber';
import { RebuildFailedError } from '../subscriber-errors';
import type { ProjectionDelivery } from './projection-delivery';
import type { SubscriberRunner } from './subscriber-runner';

/**
 * The steps of a rebuild, for one projection (or one segment of it): pause, reset what is stored,
 * replay the log from the start, carry on live.
 */
export class ProjectionReplay {
  private readonly delivery: ProjectionDelivery;

  constructor(private readonly runner: SubscriberRunner) {
    if (!runner.projection) throw new InvalidArgumentError('projection', `'${runner.name}' is an event handler; only projections can be rebuilt.`);
    this.delivery = runner.projection;
  }

  get subscriber(): BoundSubscriber {
    return this.runner.subscriber;
  }

  /** Every event up to this position is applied (or not this projection's to apply). */
  get replayedUpTo(): number {
    return this.runner.checkpoints.checkpoint;
  }

  /** Whether a rebuild may start here; throws naming the state when not. */
  assertCanRebuild(): void {
    if (!this.runner.isWorking && this.runner.state !== 'halted') {
      throw new InvalidArgumentError(
        'projection',
        `'${this.runner.name}' is ${this.runner.state} in this process (another process may hold its lease); rebuild it where it runs.`,
      );
    }
  }

  /** Stops taking events and waits for the transaction in progress. */
  pause(): Promise<void> {
    return this.delivery.pause();
  }

  /** Sets the stored checkpoint back to the start and drops the dead letters, inside the rebuild's transaction. */
  async resetStored(db: Kysely<EventfoldTables>): Promise<void> {
    await this.runner.env.subscriptions.resetCheckpoint(db, this.runner.name, 0);
    await this.runner.env.deadLetters.removeAll(db, this.runner.name);
  }

  /** Goes on as before when the rebuild could not reset the database. */
  cancel(): void {
    this.delivery.unpause();
  }

  /**
   * Starts over from the start of the log, once the reset has committed: nothing finished,
   * nothing saved, nothing counted as crashed. Replays in batches of `batchSize`, telling
   * `onProgress` as events finish.
   */
  startOver(batchSize: number, onProgress: () => void): void {
    this.runner.restartAt(0);
    this.runner.journal.recover(null, () => true);
    this.delivery.restart(batchSize);
    this.delivery.onProgress = onProgress;
    this.runner.pump();
  }

  /**
   * Waits until the log is replayed up to `total`, then carries on live.
   *
   * @throws {@link RebuildFailedError} when the projection halts (or loses its lease) first.
   */
  async replayUntil(total: number): Promise<void> {
    try {
      await this.runner.waitFor(total);
      if (this.runner.state !== 'rebuilding') {
        throw new RebuildFailedError(this.runner.name, this.replayedUpTo, total, this.runner.deadLettering.haltedReason ?? `the projection is ${this.runner.state}`);
      }
    } finally {
      this.end();
    }
  }

  /** Leaves rebuilding: carries on from where the replay got to, with the usual batch size. */
  end(): void {
    this.delivery.endRebuild();
    if (this.runner.state === 'rebuilding') {
      this.runner.moveTo('catching-up');
      this.runner.pump();
    }
  }
}
