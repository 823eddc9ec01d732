import type { Kysely } from 'kysely';
import { ProcessManagerReplayError } from '../../process-managers/process-manager-errors';
import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import type { EventfoldTables } from '../../store/schema';
import type { BoundSubscriber } from '../bound-subscriber';
import { RebuildFailedError } from '../subscriber-errors';
import type { ProjectionDelivery } from './projection-delivery';
import type { RunnerEnvironment } from './runner-environment';
import type { SubscriberRunner } from './subscriber-runner';

/**
 * The steps of a rebuild, for one projection (or one segment of it): pause, reset what is stored,
 * replay the log from the start, carry on live.
 */
export class ProjectionReplay {
  private readonly delivery: ProjectionDelivery;

  constructor(private readonly runner: SubscriberRunner) {
    if (runner.subscriber.kind === 'process-manager') throw new ProcessManagerReplayError(runner.name, 'rebuild');
    if (!runner.projection) throw new InvalidArgumentError('projection', `'${runner.name}' is an event handler; only projections can be rebuilt.`);
    this.delivery = runner.projection;
  }

  get subscriber(): BoundSubscriber {
    return this.runner.subscriber;
  }

  /** The subscriber's name (a segment's, for a projection split into segments). */
  get name(): string {
    return this.runner.name;
  }

  get env(): RunnerEnvironment {
    return this.runner.env;
  }

  /** Every event up to this position is applied (or not this projection's to apply). */
  get replayedUpTo(): number {
    return this.runner.checkpoints.checkpoint;
  }

  /** Whether this process holds the lease: the projection works here, or halted here. */
  get holdsLease(): boolean {
    const { state } = this.runner;
    return state !== 'standby' && state !== 'stopped' && state !== 'starting';
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

  /**
   * Sets the stored checkpoint back to the start, inside the rebuild's transaction, and drops the
   * dead letters unless told to keep them (a blue/green rebuild drops them when it switches over).
   */
  async resetStored(db: Kysely<EventfoldTables>, keepDeadLetters = false): Promise<void> {
    await this.runner.env.subscriptions.resetCheckpoint(db, this.runner.name, 0);
    if (!keepDeadLetters) await this.runner.env.deadLetters.removeAll(db, this.runner.name);
  }

  /** Goes on as before when the rebuild could not reset the database, or once it switched over. */
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
  async replayUntil(total: number, readModelKept = false): Promise<void> {
    try {
      await this.runner.waitFor(total);
      if (this.runner.state !== 'rebuilding') {
        const reason = this.runner.deadLettering.haltedReason ?? `the projection is ${this.runner.state}`;
        throw new RebuildFailedError(this.runner.name, this.replayedUpTo, total, reason, readModelKept);
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

  /**
   * Goes on from the checkpoint as stored, after a rebuild was undone: the paused delivery takes
   * events again only once the runner has started over from there. Where another process holds
   * the lease now, that process starts from the stored checkpoint when it takes it.
   */
  async resumeFromStored(): Promise<void> {
    this.delivery.endRebuild();
    if (this.holdsLease) await this.runner.restartFromStored();
    this.delivery.restart(this.subscriber.batchSize);
    this.runner.pump();
  }
}
