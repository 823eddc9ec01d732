import type { Kysely } from 'kysely';
import type { EventfoldTables } from '../../store/schema';
import { CheckpointTracker } from '../checkpoint-tracker';
import type { RunnerEnvironment } from './runner-environment';

/**
 * Thrown inside a transaction whose checkpoint write found the stored state changed: another
 * process took the subscriber over. Not the handler's fault, so never retried or dead-lettered.
 */
export class StaleCheckpointError extends Error {}

/** How long a finished event may wait before the checkpoint after it is written. */
const SAVE_DELAY_MS = 50;

/**
 * Owns one subscriber's checkpoint: which positions are finished (a {@link CheckpointTracker})
 * and what was last written to the database.
 *
 * Handlers' checkpoints are written a moment after events finish, several at once; a projection
 * writes its checkpoint in the transaction that applies the events. Writes never overlap
 * ({@link CheckpointWriter.serially}), so each starts from the position the previous one wrote;
 * a write that finds another position stored learns that another process took over.
 */
export class CheckpointWriter {
  tracker = new CheckpointTracker(0);
  /** Checkpoint as last written to the database. */
  private savedPosition = 0;
  /** How many finished positions after it were last written: events finished beside a slow one are saved too. */
  private savedAhead = 0;
  /** Set while a rebuild resets the stored checkpoint: a save of the old one would undo it. */
  private paused = false;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  /** Counts restarts: a save begun before one answers for a tracker that is gone. */
  private generation = 0;

  constructor(
    private readonly env: RunnerEnvironment,
    private readonly name: string,
    /** Told when a save found that another process moved the checkpoint. */
    private readonly onStale: (error: StaleCheckpointError) => void,
  ) {}

  /** Every event up to this position is finished. */
  get checkpoint(): number {
    return this.tracker.checkpoint;
  }

  /** Starts again from a checkpoint as stored (a start, a takeover, a rebuild). */
  restartAt(position: number, ahead: readonly number[] = [], saved = position): void {
    this.generation++;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.tracker = new CheckpointTracker(position, ahead);
    this.savedPosition = saved;
    this.savedAhead = this.tracker.aheadCount;
  }

  /** Notes the checkpoint a transaction of the caller has just committed. */
  committed(position: number): void {
    this.savedPosition = position;
  }

  /** Stops writing until {@link CheckpointWriter.resumeSaves}. */
  pauseSaves(): void {
    this.paused = true;
  }

  resumeSaves(): void {
    this.paused = false;
  }

  /** Writes the checkpoint shortly, unless a write is due already or nothing moved. */
  scheduleSave(): void {
    if (this.timer || this.unchanged()) return;
    this.timer = setTimeout(() => void this.flush(), SAVE_DELAY_MS);
    this.timer.unref();
  }

  /** Writes the checkpoint now if it moved since the last write. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.serially(() => this.save());
  }

  /**
   * Runs `work` after every earlier serial step: checkpoint writes, and a projection's
   * transactions, never overlap, so each sees the checkpoint the previous one wrote.
   */
  serially(work: () => Promise<void>): Promise<void> {
    const step = this.chain.then(work);
    this.chain = step.catch(() => undefined);
    return step;
  }

  /**
   * Writes, inside the caller's transaction, the checkpoint that finishing `positions` gives, and
   * returns it.
   *
   * @throws {@link StaleCheckpointError} when another process moved the checkpoint meanwhile.
   */
  async writeIn(db: Kysely<EventfoldTables>, positions: readonly number[]): Promise<number> {
    const { checkpoint, ahead } = this.tracker.preview(positions);
    const saved = await this.env.subscriptions.saveCheckpoint(db, this.name, this.env.owner, this.savedPosition, checkpoint, ahead);
    if (!saved) throw new StaleCheckpointError(`the checkpoint of '${this.name}' moved elsewhere or its lease was lost`);
    return checkpoint;
  }

  /**
   * Whether the stored checkpoint says all there is: the same position, and as many events
   * finished past it (while one event is slow, those behind it finish without moving the
   * checkpoint, and are saved so that a restart does not run them again).
   */
  private unchanged(): boolean {
    return this.tracker.checkpoint === this.savedPosition && this.tracker.aheadCount === this.savedAhead;
  }

  private async save(): Promise<void> {
    if (this.paused) return;
    if (this.unchanged()) return;
    const { checkpoint, ahead } = this.tracker;
    const generation = this.generation;
    try {
      const saved = await this.env.subscriptions.saveCheckpoint(this.env.store.eventfoldDb, this.name, this.env.owner, this.savedPosition, checkpoint, ahead);
      // The subscriber started over meanwhile (a takeover, a rebuild): this answer is not its own.
      if (generation !== this.generation) return;
      if (saved) {
        this.savedPosition = checkpoint;
        this.savedAhead = ahead.length;
      } else this.onStale(new StaleCheckpointError());
    } catch (error) {
      this.env.onError(error, this.name);
    }
  }
}
