/**
 * A handler's `concurrency`: how many of its events may be attempted at once. An event waiting
 * out a retry's backoff gives its slot back, so that other streams' events go on meanwhile, and
 * takes one again, before any new event, when the wait is over.
 */
export class ConcurrencySlots {
  private used = 0;
  /** Retries whose backoff is over, waiting for a slot. */
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  /** Whether a new event may start now: a slot is free and no retry waits for one. */
  get isFree(): boolean {
    return this.used < this.limit && this.waiting.length === 0;
  }

  /** Takes a slot for a new event; call only when {@link ConcurrencySlots.isFree}. */
  take(): void {
    this.used++;
  }

  /** Gives a slot back: to a retry waiting for one, if any. */
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }

  /** Takes a slot for a retry, waiting for one if none is free. */
  takeForRetry(): Promise<void> {
    if (this.used < this.limit) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Forgets every slot in use (the work holding them was dropped). */
  reset(): void {
    this.used = 0;
    for (const resume of this.waiting.splice(0)) resume();
  }
}
