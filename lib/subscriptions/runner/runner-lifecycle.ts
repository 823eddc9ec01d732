import { projectionOf } from '../bound-subscriber';
import { undoRebuild } from '../read-model/undo-rebuild';
import { ensureStartCheckpoints } from '../start-checkpoint';
import type { DeadLettering } from './dead-lettering';
import type { DeliveryHost } from './delivery';
import type { LeaseKeeper } from './lease-keeper';

/** What {@link RunnerLifecycle} uses of its runner. */
export interface LifecycleHost extends Pick<DeliveryHost, 'env' | 'name' | 'subscriber' | 'state' | 'checkpoints' | 'journal' | 'moveTo' | 'pump'> {
  readonly lease: LeaseKeeper;
  readonly deadLettering: DeadLettering;
  readonly isBusy: boolean;
  readonly isWorking: boolean;
  readonly lag: number;
  /** Starts over from a checkpoint as stored. */
  restartAt(position: number, ahead?: readonly number[]): void;
  /** Aborts attempts in progress and waits for all work. */
  drain(): Promise<void>;
  /** Waits for all work without aborting it. */
  settle(): Promise<void>;
  /** Aborts the attempts in progress. */
  abandonWork(): void;
}

/** How long a subscriber may stay more than its buffer behind before it is reported as falling behind. */
const BEHIND_FOR_MS = 30_000;

/**
 * Moves a runner through its lease's life: taking the lease (or standing by while another
 * process holds it), starting from the stored checkpoint, renewing, handing the lease over to a
 * process that joined, standing by when it was lost, and stopping. Whatever happens, work in
 * progress finishes, and the checkpoint is saved, before the lease is given up.
 */
export class RunnerLifecycle {
  /** A hand-over of the lease to another process, while one runs. */
  private handingOver: Promise<void> | undefined;
  /** Since when the subscriber has been more than its buffer behind the log. */
  private behindSince: number | undefined;

  constructor(private readonly runner: LifecycleHost) {}

  /** Takes the lease (or waits for it in standby) and starts catching up from the checkpoint. */
  async start(): Promise<void> {
    const { runner } = this;
    const { subscriptions } = runner.env;
    await ensureStartCheckpoints(runner.env, runner.subscriber);
    // A dispatcher whose start failed elsewhere may have stopped this runner meanwhile.
    if (this.isStopped()) return;
    runner.lease.startTicking(() => this.tick());
    if (await this.takeOver()) return;
    // Another process runs the subscriber; show its stored checkpoint meanwhile.
    const saved = await subscriptions.load(runner.name);
    if (this.isStopped()) return;
    runner.checkpoints.restartAt(saved?.position ?? 0, saved?.ahead ?? []);
    runner.moveTo('standby');
  }

  /** Lets in-flight work finish, saves the checkpoint and gives up the lease. Safe to call twice. */
  async stop(): Promise<void> {
    const { runner } = this;
    if (this.isStopped()) return;
    // A hand-over or renewal in flight may change whether the lease is held: let it settle first.
    await runner.lease.stopTicking();
    await this.handingOver?.catch(() => undefined);
    if (this.isStopped()) return;
    const holdsLease = runner.state !== 'standby';
    runner.moveTo('stopped');
    try {
      if (holdsLease) await this.drainAndRelease(() => runner.drain());
      else await runner.drain();
    } finally {
      runner.lease.claimed = false;
    }
  }

  /** Stands by until the lease can be had again (it was lost, or the start failed). */
  standBy(): void {
    this.runner.moveTo('standby');
    this.runner.lease.claimed = false;
  }

  /**
   * Another process took the lease (this one stalled past its expiry, say): says so once, stands
   * by, and abandons the attempts in progress, whose outcomes are the new holder's to record.
   */
  loseLease(): void {
    const { runner } = this;
    if (runner.state === 'standby' || runner.state === 'stopped') return;
    runner.env.reports.leaseLost(runner.name);
    this.standBy();
    runner.abandonWork();
  }

  /** One renewal: keep the lease, notice it was lost or should go to another process, or try to take it. */
  private async tick(): Promise<void> {
    const { runner } = this;
    if (this.isStopped() || this.handingOver) return;
    if (runner.state === 'standby') {
      if (!runner.isBusy) await this.takeOver();
      return;
    }
    if (!(await runner.lease.renew())) this.loseLease();
    else if (runner.lease.shouldHandOver()) {
      this.handingOver = this.handOver().finally(() => (this.handingOver = undefined));
      await this.handingOver;
    } else this.watchLag();
  }

  /** Reports a subscriber that stays more than its buffer behind the log. */
  private watchLag(): void {
    const { runner } = this;
    if (!runner.isWorking || runner.state === 'rebuilding' || runner.lag <= runner.subscriber.bufferSize) {
      this.behindSince = undefined;
      return;
    }
    this.behindSince ??= Date.now();
    if (Date.now() - this.behindSince >= BEHIND_FOR_MS) runner.env.reports.fallingBehind(runner.name, runner.lag);
  }

  /**
   * Takes the lease if it can and starts from the stored checkpoint; true when it did. If the
   * start fails after the lease was taken, the lease is given back so another process (or a later
   * try) can run the subscriber.
   */
  private async takeOver(): Promise<boolean> {
    const { runner } = this;
    if (!(await runner.lease.tryTake())) return false;
    if (this.isStopped()) {
      await runner.lease.release();
      return true;
    }
    try {
      await this.begin();
      return true;
    } catch (error) {
      this.standBy();
      await runner.lease.release().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Starts from the stored checkpoint, counting the attempts the last process left unfinished.
   * A blue/green rebuild of the projection still recorded was cut short (the process that ran it
   * held this lease and is gone): it is undone first, so the stored checkpoint is the one of the
   * tables the application reads.
   */
  async begin(): Promise<void> {
    const { runner } = this;
    const { subscriptions, deadLetters, store } = runner.env;
    if (runner.subscriber.kind === 'projection') {
      const undone = await store.eventfoldTransaction((db) => undoRebuild(db, store.backend.tableCopies, projectionOf(runner.subscriber)));
      if (undone) runner.env.reports.rebuildUndone(undone.projection, undone.startedAt);
    }
    const saved = await subscriptions.load(runner.name);
    runner.restartAt(saved?.position ?? 0, saved?.ahead ?? []);
    const { tracker } = runner.checkpoints;
    runner.journal.recover(saved?.inFlight, (position) => tracker.isFinished(position));
    // A dead letter past the checkpoint that is not finished is the event an earlier run halted
    // on: it is delivered again now, attempts numbering on, and its dead letter goes once it succeeds.
    const unfinished = (await deadLetters.list(runner.name)).filter((letter) => !tracker.isFinished(letter.position));
    runner.deadLettering.haltedPosition = unfinished[0]?.position;
    if (unfinished[0]) runner.journal.remember(unfinished[0].position, unfinished[0].attempts, unfinished[0].failedAt);
    await subscriptions.setStatus(runner.name, 'running');
    await runner.journal.announceFrom(tracker.checkpoint);
    if (this.isStopped()) return;
    runner.moveTo('catching-up');
    runner.pump();
  }

  /** Gives the lease up for another process to take: finishes work in progress, saves the checkpoint, releases. */
  private async handOver(): Promise<void> {
    this.runner.moveTo('standby');
    try {
      await this.drainAndRelease(() => this.runner.settle());
    } finally {
      this.runner.lease.claimed = false;
    }
  }

  /**
   * Lets work in progress finish, saves the checkpoint, records that nothing is in flight and the
   * status, and gives up the lease. The lease stays renewed while the work drains, however long
   * it takes: otherwise another process could run the same events at the same time.
   */
  private async drainAndRelease(drain: () => Promise<void>): Promise<void> {
    const { runner } = this;
    await runner.lease.whileRenewing(async () => {
      await drain();
      await runner.checkpoints.flush();
    });
    await runner.journal.rest(runner.checkpoints.checkpoint);
    const reason = runner.deadLettering.haltedReason ?? null;
    await runner.env.subscriptions.setStatus(runner.name, reason ? 'halted' : 'stopped', reason, { owner: runner.env.owner });
    await runner.lease.release();
  }

  private isStopped(): boolean {
    return this.runner.state === 'stopped';
  }
}
