import type { RunnerEnvironment } from '../runner/runner-environment';

/** The group of the segments of one subscriber that this process runs, made on first use. */
export function groupOf(groups: Map<string, SegmentGroup>, env: RunnerEnvironment, segment: { subscriber: string; count: number }): SegmentGroup {
  let group = groups.get(segment.subscriber);
  if (!group) groups.set(segment.subscriber, (group = new SegmentGroup(env, segment.subscriber, segment.count)));
  return group;
}

/** What the group needs to know of each of its segments. */
export interface GroupedSegment {
  /** Whether the segment holds its lease, or is trying to take it. */
  readonly claimed: boolean;
}

/**
 * The segments of one subscriber that this process runs, and the processes it shares them with.
 *
 * Every process that runs the subscriber announces itself (in `eventfold_subscriber_members`)
 * and renews the announcement as often as a lease. Each process holds at most its fair share of
 * the segments, the segment count divided by the processes announced, rounded up: it takes no
 * more than that, and hands over what it holds beyond it (a process joined), one renewal after
 * another, so the others can take them. When a process ends or dies its announcement lapses with
 * its leases, and the others take its segments over.
 */
export class SegmentGroup {
  private members = 1;
  private timer: NodeJS.Timeout | undefined;
  private renewal: Promise<void> | undefined;
  private left = false;
  private readonly segments: GroupedSegment[] = [];
  /** The end of the last claim in turn (see {@link SegmentGroup.inTurn}). */
  private claims: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly env: RunnerEnvironment,
    readonly subscriber: string,
    readonly count: number,
  ) {}

  /** Adds a segment of this process to the group. */
  add(segment: GroupedSegment): void {
    this.segments.push(segment);
  }

  /** Announces this process and keeps the announcement fresh until {@link SegmentGroup.leave}. */
  async join(): Promise<void> {
    await this.renew();
    this.timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.env.leaseMs / 3)));
    this.timer.unref();
  }

  /** Withdraws the announcement, so that the others take this process's share at once. */
  async leave(): Promise<void> {
    this.left = true;
    clearInterval(this.timer);
    // A renewal in flight would otherwise announce this process again after it left.
    await this.renewal;
    await this.env.subscriptions.leaveMembership(this.subscriber, this.env.owner).catch((error) => this.env.onError(error, this.subscriber));
  }

  /** The most segments this process should hold. */
  get fairShare(): number {
    return Math.ceil(this.count / Math.max(1, this.members));
  }

  /** Whether this process may claim one more segment. */
  mayClaimMore(): boolean {
    return this.claimed().length < this.fairShare;
  }

  /**
   * Runs `claim` (a segment taking its lease) once the claims of this group already under way
   * have settled, so that each sees the others' outcomes. A segment counts as claimed while it
   * tries, so that the group never takes more than its share; were tries to overlap, a sibling
   * trying for a lease another process holds would keep the share looking full, and a free
   * segment, whose renewals fall due at the same moment, could wait for as long as that lasts.
   *
   * @example
   * ```ts
   * declare const group: SegmentGroup;
   * declare function takeLease(): Promise<boolean>;
   * const held = await group.inTurn(async () => group.mayClaimMore() && (await takeLease()));
   * ```
   */
  inTurn<T>(claim: () => Promise<T>): Promise<T> {
    const turn = this.claims.then(claim);
    this.claims = turn.catch(() => undefined);
    return turn;
  }

  /** Whether `segment` should be handed over: this process holds more than its share, and it is among the last it holds. */
  shouldHandOver(segment: GroupedSegment): boolean {
    const claimed = this.claimed();
    const excess = claimed.length - this.fairShare;
    // One at a time, so that the others can take each before the next goes.
    return excess > 0 && claimed[claimed.length - 1] === segment;
  }

  private claimed(): GroupedSegment[] {
    return this.segments.filter((segment) => segment.claimed);
  }

  private renew(): Promise<void> {
    if (this.left) return Promise.resolve();
    this.renewal ??= this.env.subscriptions
      .renewMembership(this.subscriber, this.env.owner, this.env.leaseMs)
      .then((members) => void (this.members = members))
      .catch((error) => this.env.onError(error, this.subscriber))
      .finally(() => (this.renewal = undefined));
    return this.renewal;
  }
}
