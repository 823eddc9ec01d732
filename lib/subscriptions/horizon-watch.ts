import type { HorizonHolder, HorizonStall } from '../store/postgres/horizon-stall';
import type { HorizonStallReports } from './logging/horizon-stall-reports';

/**
 * How long events must wait past an unmoving readable head before the stall is looked into.
 * Under concurrent appends, committed events wait behind one another's transactions for
 * milliseconds all the time; that is no stall, and looking at `pg_stat_activity` for each would
 * be load for nothing.
 */
export const STALL_NOTICE_MS = 1000;

/** How often, at most, a stall is looked at again while it lasts, to keep its ages and holder current. */
const LOOK_EVERY_MS = 1000;

/** What the watch needs of a subscriber to tell whether the stall holds it back. */
export interface WatchedSubscriber {
  readonly name: string;
  /** Whether it takes events in this process now. */
  readonly isWorking: boolean;
  readonly checkpoints: { readonly checkpoint: number };
}

/** The parts of a {@link HorizonWatch}. */
export interface HorizonWatchParts {
  /** Looks at the stall in the database (`store.horizonStall()`). */
  readonly lookUp: () => Promise<HorizonStall | undefined>;
  readonly reports: HorizonStallReports;
  readonly subscribers: readonly WatchedSubscriber[];
  /** How long subscribers may be held back before a warning. */
  readonly warnAfterMs: number;
  /** Told when a look fails, once per stall. */
  readonly onError: (error: unknown) => void;
  /** The clock, for specs. */
  readonly now?: () => number;
}

/**
 * Follows the horizon of the log as the dispatcher's polls see it, and tells when a transaction
 * left open holds subscribers back: `dispatcher.stats()` shows the stall on each subscriber it
 * holds, the logger warns once it has lasted `warnAfterMs`, and says when it ends.
 *
 * A stall is events waiting past a readable head that does not move. The head moves only when
 * the oldest transaction on the server ends, so one unmoving head is one stall; once the head
 * moves, that stall is over, even if another transaction holds the next one. (The transaction
 * holding an unmoving head can change, though: see `noticeNewHolder`.) A subscriber
 * is held back when it works here and has finished everything readable.
 *
 * The watch only reads: it never lets a reader past the head. Its state is this class's; the
 * database is reached through `lookUp` alone.
 */
export class HorizonWatch {
  /** The readable head past which events were last seen waiting, and since when (by this process's clock). */
  private waitingAfter: number | undefined;
  private waitingSeenAt = 0;
  /** The stall as last looked at, and when that look began (its ages are of that moment). */
  private stall: HorizonStall | undefined;
  private stallSeenAt = 0;
  private lookedAt = -Infinity;
  private looking: Promise<void> | undefined;
  /** Whom the warning about the current stall named, once it was given. */
  private warned: { readonly subscribers: readonly string[]; readonly holder: HorizonHolder | null } | undefined;
  private failureReported = false;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly parts: HorizonWatchParts) {
    this.now = parts.now ?? Date.now;
  }

  /** The readable head and the last committed position, as a poll of the log found them. */
  observe(readable: number, latest: number): void {
    if (this.stopped) return;
    if (latest <= readable) {
      this.end();
      return;
    }
    const now = this.now();
    if (readable !== this.waitingAfter) {
      this.end();
      this.waitingAfter = readable;
      this.waitingSeenAt = now;
    }
    if (this.looking || now - this.waitingSeenAt < STALL_NOTICE_MS || now - this.lookedAt < LOOK_EVERY_MS) return;
    this.lookedAt = now;
    this.looking = this.look(readable, now).finally(() => (this.looking = undefined));
  }

  /** The stall holding `subscriber` back, its ages brought up to now; undefined when it is not held back. */
  stallOf(subscriber: WatchedSubscriber): HorizonStall | undefined {
    const { stall } = this;
    if (stall === undefined || !holdsBack(stall, subscriber)) return undefined;
    return aged(stall, this.now() - this.stallSeenAt);
  }

  /** Stops watching, once a look in progress is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.looking;
  }

  private async look(readable: number, startedAt: number): Promise<void> {
    let stall: HorizonStall | undefined;
    try {
      stall = await this.parts.lookUp();
    } catch (error) {
      if (!this.stopped && !this.failureReported) this.parts.onError(error);
      this.failureReported = true;
      return;
    }
    // A poll that saw the head move while this look ran has ended the stall it was about.
    if (this.stopped || readable !== this.waitingAfter) return;
    if (stall === undefined || stall.readableHead !== readable) {
      this.end();
      return;
    }
    this.stall = stall;
    this.stallSeenAt = startedAt;
    this.noticeNewHolder(stall.holder);
    if (this.warned || stall.forMs < this.parts.warnAfterMs) return;
    const held = this.parts.subscribers.filter((subscriber) => holdsBack(stall, subscriber)).map((subscriber) => subscriber.name);
    if (held.length === 0) return;
    this.warned = { subscribers: held, holder: stall.holder };
    this.parts.reports.held(held, stall);
  }

  /**
   * The head stays where it is when the holder ends while a younger transaction, begun before the
   * events that wait, is still open: that one holds them now. The warning named the first, so it
   * is over; the next holder is warned about in its turn.
   */
  private noticeNewHolder(holder: HorizonHolder | null): void {
    const warnedAbout = this.warned?.holder ?? null;
    if (this.warned === undefined || holder === null || holder.transactionId === warnedAbout?.transactionId) return;
    if (warnedAbout !== null) this.parts.reports.released(this.warned.subscribers, warnedAbout, this.heldForMs());
    this.warned = undefined;
  }

  /** Readers move again (or moved on to another stall): says so if a warning was given. */
  private end(): void {
    if (this.warned) this.parts.reports.released(this.warned.subscribers, this.warned.holder, this.heldForMs());
    this.warned = undefined;
    this.stall = undefined;
    this.waitingAfter = undefined;
    this.failureReported = false;
  }

  private heldForMs(): number {
    return this.stall ? this.stall.forMs + Math.max(0, this.now() - this.stallSeenAt) : 0;
  }
}

/** Whether `stall` holds `subscriber` back: it works here and has finished every readable event. */
function holdsBack(stall: HorizonStall, subscriber: WatchedSubscriber): boolean {
  return subscriber.isWorking && subscriber.checkpoints.checkpoint >= stall.readableHead;
}

/** `stall` as it stands `elapsedMs` after it was looked at. */
function aged(stall: HorizonStall, elapsedMs: number): HorizonStall {
  const later = (ms: number) => ms + Math.max(0, elapsedMs);
  const { holder } = stall;
  return {
    ...stall,
    forMs: later(stall.forMs),
    holder: holder && { ...holder, transactionAgeMs: holder.transactionAgeMs === null ? null : later(holder.transactionAgeMs) },
  };
}
