import type { InFlightRecord } from '../subscription-store';
import type { RunnerEnvironment } from './runner-environment';

/** An event that stopped the process as often as the subscriber allows. */
export interface CrashVerdict {
  readonly position: number;
  /** Attempts that never finished. */
  readonly attempts: number;
  readonly firstAt: Date;
  readonly lastAt: Date;
}

/**
 * How far ahead of what is needed an announcement reaches at least, so that a steady stream of
 * events costs one write per this many events rather than one per event; after a crash, at most
 * about this many events beyond the work in progress are attempted one at a time.
 */
const MIN_LOOKAHEAD = 100;

/** Wait after a failed write before the next try. */
const RETRY_WRITE_MS = 1000;

/**
 * Counts attempts that never finished, across processes, so that an event whose handling kills
 * the process ends as a dead letter instead of being redelivered forever.
 *
 * Before work starts on events beyond what is announced, the journal writes a record of the
 * positions about to be attempted, one write for a window of events. A clean stop clears it. A
 * record found at start with unfinished positions in it tells of a crash there; the events it
 * covers (a whole batch, or every stream a handler ran at once) are then attempted one at a time,
 * each announced alone, so the next crash names the event that causes it. An event that crashed
 * `maxCrashes` times gets a {@link CrashVerdict} instead of another attempt.
 */
export class AttemptJournal {
  /** The record as last written (or found), if any. */
  private announced: InFlightRecord | undefined;
  private carefulUntil = 0;
  private carefulCrashes = 0;
  private carefulSince: string | undefined;
  /** Unfinished attempts of single events: one that crashed alone, or one a subscriber halted on. */
  private readonly history = new Map<number, { crashes: number; firstAt: string }>();
  private readonly verdicts = new Map<number, CrashVerdict>();
  /** The record of an event given up on, kept while the subscriber is halted on it. */
  private givenUp: InFlightRecord | undefined;
  /** The record last asked to be written: on disk, or on its way. */
  private issued: InFlightRecord | null | undefined;
  /** Writes asked for and not finished; the last of them. */
  private pending = 0;
  private writing: Promise<void> = Promise.resolve();
  private retryAt = 0;
  /** Whether the subscriber's row holds a record now. */
  private stored = false;
  /** How far ahead of the work a window reaches. */
  private readonly lookahead: number;

  constructor(
    private readonly env: RunnerEnvironment,
    private readonly name: string,
    private readonly maxCrashes: number,
    /**
     * The most events one piece of work takes (a projection's batch). The window reaches that far
     * ahead too, so that the next window is written while a batch is applied: were it shorter,
     * every live batch would wait for a write of its own.
     */
    workSize: number,
    /** Told when a write finished, so that the work it waited for can start. */
    private readonly onWritten: () => void,
    /** Told when a write found that this process lost the lease. */
    private readonly onLeaseLost: () => void,
  ) {
    this.lookahead = Math.max(MIN_LOOKAHEAD, workSize);
  }

  /**
   * Reads the record the previous run left, at start. `isFinished` says which positions the
   * stored checkpoint already covers.
   */
  recover(stored: InFlightRecord | null | undefined, isFinished: (position: number) => boolean): void {
    // Whatever is stored tells of the last process's attempts; this one announces its own.
    this.announced = undefined;
    this.issued = undefined;
    this.carefulUntil = 0;
    this.carefulCrashes = 0;
    this.carefulSince = undefined;
    this.history.clear();
    this.verdicts.clear();
    this.givenUp = undefined;
    this.stored = stored !== null && stored !== undefined;
    if (!stored) return;
    const single = stored.from === stored.to;
    if (stored.carefulUntil > 0) {
      this.carefulUntil = stored.carefulUntil;
      this.carefulCrashes = stored.carefulCrashes;
      this.carefulSince = stored.carefulSince;
    }
    // A record whose window is empty (it ends before it starts) was left by a clean stop: it only
    // carries what an earlier crash asked for.
    const crashed = stored.from <= stored.to && (single ? !isFinished(stored.from) : !isFinished(stored.to) || !isFinished(stored.from));
    if (!crashed) return;
    if (!single) {
      // Some event of the window stopped the process, and which one is unknown: each is counted
      // as attempted once, and all are attempted alone until it shows itself.
      this.carefulUntil = Math.max(this.carefulUntil, stored.to);
      this.carefulCrashes = Math.max(this.carefulCrashes, stored.crashes + 1);
      this.carefulSince = stored.lastAt;
      return;
    }
    // A record kept for an event the subscriber halted on: no attempt was made since.
    const crashes = stored.gaveUp ? stored.crashes : stored.crashes + 1;
    this.carefulUntil = Math.max(this.carefulUntil, stored.from);
    this.history.set(stored.from, { crashes, firstAt: stored.firstAt });
    if (crashes >= this.maxCrashes) {
      this.verdicts.set(stored.from, { position: stored.from, attempts: crashes, firstAt: new Date(stored.firstAt), lastAt: new Date(stored.lastAt) });
    }
  }

  /**
   * Counts earlier attempts of an event delivered again (the one a subscriber halted on), so
   * that attempts go on numbering from there and a crash while retrying it counts.
   */
  remember(position: number, attempts: number, firstAt: Date): void {
    if (!this.history.has(position)) this.history.set(position, { crashes: attempts, firstAt: firstAt.toISOString() });
  }

  /**
   * The verdict on an event that stopped the process too often, if it has one. It holds until
   * the event is finished (parked) or {@link AttemptJournal.pardon}ed (resumed): an event whose
   * dead letter could not be written is not attempted again meanwhile.
   */
  verdictFor(position: number): CrashVerdict | undefined {
    const verdict = this.verdicts.get(position);
    if (!verdict) return undefined;
    const { attempts, firstAt, lastAt } = verdict;
    const { carefulUntil, carefulCrashes, carefulSince } = this;
    const times = { firstAt: firstAt.toISOString(), lastAt: lastAt.toISOString() };
    this.givenUp = { from: position, to: position, crashes: attempts, carefulUntil, carefulCrashes, carefulSince, ...times, gaveUp: true };
    return verdict;
  }

  /** Drops every verdict: an operator resumed the subscriber, so the events get one more attempt. */
  pardon(): void {
    this.verdicts.clear();
    this.givenUp = undefined;
  }

  /** Whether the event must be attempted alone, each attempt announced by itself. */
  isCareful(position: number): boolean {
    return position <= this.carefulUntil || this.history.has(position);
  }

  /** Attempts at the event that never finished: `context.attempt` goes on from there. */
  attemptsBefore(position: number): number {
    const known = this.history.get(position);
    if (known) return known.crashes;
    return position <= this.carefulUntil ? this.carefulCrashes : 0;
  }

  /** Forgets what is known of an event once it finished. */
  finished(position: number): void {
    this.history.delete(position);
    this.verdicts.delete(position);
    if (this.givenUp?.from === position) this.givenUp = undefined;
  }

  /** Whether an announcement is on disk that {@link AttemptJournal.rest} would take back. */
  get hasAnnouncement(): boolean {
    return this.announced !== undefined && this.pending === 0;
  }

  /**
   * Whether work on positions `from` to `to` is announced, so it may start. When it is not, the
   * announcement is written and false returned; `onWritten` is told once it is on disk.
   * `checkpoint` is the subscriber's checkpoint: a window starts right after it, so it also
   * covers every event in progress.
   */
  isAnnounced(from: number, to: number, checkpoint: number): boolean {
    if (this.isCareful(from)) {
      if (isAlone(this.announced, from)) return true;
      if (!isAlone(this.issued, from)) this.issue(this.aloneRecord(from));
      return false;
    }
    const covered = covers(this.announced, from, to);
    // Half-way through a window the next one is written, while work goes on under this one: a
    // steady stream of events then never waits for a write.
    if (!covers(this.issued, from, to + this.lookahead / 2)) this.issue(this.windowRecord(to, checkpoint));
    return covered;
  }

  /**
   * Announces a window from the checkpoint on before any event arrives (at start), unless a
   * crash asks for events to be attempted alone first.
   */
  async announceFrom(checkpoint: number): Promise<void> {
    if (this.isCareful(checkpoint + 1)) return;
    this.issue(this.windowRecord(checkpoint + 1, checkpoint));
    await this.writing;
  }

  /**
   * Records that nothing is in flight: at a clean stop or hand-over, after the drain, and when
   * the subscriber has been idle a while, so that a process killed while idle leaves nothing
   * that looks like a crash. What an earlier crash asked for is kept: an event the subscriber
   * halted on for stopping the process (the next process halts on it too, without attempting it
   * once more), and events still to be attempted alone.
   */
  async rest(checkpoint: number): Promise<void> {
    const record = this.restingRecord(checkpoint);
    await this.writing;
    // Work asked for an announcement meanwhile: not idle after all.
    if (this.pending > 0 || (!this.stored && record === null)) return;
    // Taken back before the write, so that no event starts under it meanwhile.
    this.announced = undefined;
    this.issue(record, false);
    await this.writing;
  }

  /** What the row holds while nothing is in flight. */
  private restingRecord(checkpoint: number): InFlightRecord | null {
    if (this.givenUp) return this.givenUp;
    if (this.carefulUntil <= checkpoint) return null;
    const now = new Date().toISOString();
    const { carefulUntil, carefulCrashes, carefulSince } = this;
    return { from: checkpoint + 1, to: checkpoint, crashes: 0, carefulUntil, carefulCrashes, carefulSince, firstAt: now, lastAt: now };
  }

  private aloneRecord(position: number): InFlightRecord {
    const now = new Date().toISOString();
    const { carefulUntil, carefulCrashes, carefulSince } = this;
    const firstAt = this.history.get(position)?.firstAt ?? (position <= carefulUntil ? carefulSince : undefined) ?? now;
    return { from: position, to: position, crashes: this.attemptsBefore(position), carefulUntil, carefulCrashes, carefulSince, firstAt, lastAt: now };
  }

  /**
   * A window from right after the checkpoint (so that it covers every event in progress) to well
   * past `to`, keeping the events still to be attempted alone after a crash (a higher-priority
   * event may run before them).
   */
  private windowRecord(to: number, checkpoint: number): InFlightRecord {
    const now = new Date().toISOString();
    const careful = this.carefulUntil > checkpoint;
    const { carefulUntil, carefulCrashes, carefulSince } = this;
    const carried = careful ? { carefulUntil, carefulCrashes, carefulSince } : { carefulUntil: 0, carefulCrashes: 0 };
    return { from: checkpoint + 1, to: Math.max(to, checkpoint + 1) + this.lookahead, crashes: 0, ...carried, firstAt: now, lastAt: now };
  }

  /**
   * Asks for `record` to be written. Writes go through the dispatcher's queue at once, so they
   * finish in the order asked for, this journal's own and other subscribers' alike.
   */
  private issue(record: InFlightRecord | null, announces = true): void {
    if (Date.now() < this.retryAt) return;
    this.issued = record;
    this.pending++;
    this.writing = this.save(record, announces).then((written) => {
      this.pending--;
      // Told once the write no longer counts as in progress, so that the work it held up can start.
      if (written) this.onWritten();
    });
  }

  /** Writes `record`; true when it is on disk. */
  private async save(record: InFlightRecord | null, announces: boolean): Promise<boolean> {
    try {
      const saved = await this.env.announcements.run(() => this.env.subscriptions.saveInFlight(this.name, this.env.owner, record));
      if (!saved) {
        this.onLeaseLost();
        return false;
      }
      this.stored = record !== null;
      if (announces && record) this.announced = record;
      return true;
    } catch (error) {
      this.env.onError(error, this.name);
      this.issued = undefined;
      this.retryAt = Date.now() + RETRY_WRITE_MS;
      setTimeout(() => this.onWritten(), RETRY_WRITE_MS).unref();
      return false;
    }
  }
}

/** Whether `record` announces the event at `position` alone. */
function isAlone(record: InFlightRecord | null | undefined, position: number): boolean {
  return record?.from === position && record.to === position;
}

/** Whether `record` is a window that reaches from `from` to `to`. */
function covers(record: InFlightRecord | null | undefined, from: number, to: number): boolean {
  return !!record && record.from < record.to && record.from <= from && to <= record.to;
}
