import type { SegmentGroup } from '../segments/segment-group';
import type { RunnerEnvironment } from './runner-environment';

/**
 * Owns one subscriber's lease: takes it, renews it on a timer, gives it back. A lease says which
 * process runs a subscriber; it lapses `leaseMs` after the last renewal, so another process
 * takes over from one that died.
 *
 * For one segment of a split subscriber it also keeps the segment's `claimed` flag, which its
 * {@link SegmentGroup} counts to share the segments fairly between processes.
 */
export class LeaseKeeper {
  /** Whether the lease is held, or being taken (counted by the segment group). */
  claimed = false;
  private timer: NodeJS.Timeout | undefined;
  /** A renewal (or taking) of the lease, while one runs. */
  private work: Promise<void> | undefined;

  constructor(
    private readonly env: RunnerEnvironment,
    private readonly name: string,
    private readonly group: SegmentGroup | undefined,
  ) {}

  /** Calls `tick` on the renewal schedule, never two at once, until {@link LeaseKeeper.stopTicking}. */
  startTicking(tick: () => Promise<void>): void {
    this.timer = setInterval(() => {
      this.work ??= tick()
        .catch((error) => this.env.onError(error, this.name))
        .finally(() => (this.work = undefined));
    }, this.renewEveryMs());
    this.timer.unref();
  }

  /** Stops the schedule and waits for a tick in flight, which may change whether the lease is held. */
  async stopTicking(): Promise<void> {
    clearInterval(this.timer);
    await this.work;
  }

  /**
   * Takes the lease if it is free and, for a segment, this process holds no more than its fair
   * share of the subscriber's segments yet.
   */
  async tryTake(): Promise<boolean> {
    const { group } = this;
    if (!group) return this.take();
    // Sibling segments try in turn, each counting the others' claims once they are settled.
    return group.inTurn(async () => group.mayClaimMore() && this.take());
  }

  private async take(): Promise<boolean> {
    // Counted while trying: a segment that takes its lease must not push the group past its share.
    this.claimed = true;
    let held = false;
    try {
      held = await this.renew();
    } finally {
      if (!held) this.claimed = false;
    }
    return held;
  }

  /** Renews the lease; false when another process holds it now. */
  renew(): Promise<boolean> {
    return this.env.subscriptions.acquireLease(this.name, this.env.owner, this.env.leaseMs);
  }

  /** Whether this segment should go to another process that joined. */
  shouldHandOver(): boolean {
    return this.group?.shouldHandOver(this) ?? false;
  }

  /** Gives the lease up, for another process to take at once. */
  async release(): Promise<void> {
    try {
      await this.env.subscriptions.releaseLease(this.name, this.env.owner);
    } finally {
      this.claimed = false;
    }
  }

  /**
   * Runs `work` while renewing the lease on the usual schedule, however long it takes: a drain
   * that outlived the lease would let another process run the same events at the same time.
   */
  async whileRenewing(work: () => Promise<void>): Promise<void> {
    const renewal = setInterval(() => void this.renew().catch((error) => this.env.onError(error, this.name)), this.renewEveryMs());
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
}
