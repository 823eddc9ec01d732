/** Time the subscribers of one dispatcher may work in one turn of the event loop before they yield. */
const TURN_BUDGET_MS = 10;

/**
 * Shares the event loop's turns among the subscribers of one dispatcher. better-sqlite3 answers
 * synchronously, so a batch runs start to end without yielding, and each subscriber queues its
 * next piece of work for a later turn. When several do, this keeps the work of one turn within a
 * budget: once it is spent, what is queued waits for the next turn, so that timers (lease
 * renewals, the application's own) and I/O run in between. Work runs in the order it was queued,
 * so a subscriber that queues again at once cannot starve the others.
 */
export class TurnBudget {
  private readonly queue: Array<() => void> = [];
  /** When the first piece of work of this turn started; undefined between turns. */
  private turnStartedAt: number | undefined;

  /** Runs `work` in a later turn, after the work queued before it, and only while a turn's budget lasts. */
  schedule(work: () => void): void {
    this.queue.push(work);
    // One callback per piece of work: a batch's promises settle between two callbacks, so the
    // time a callback measures includes the whole of the batch before it.
    setImmediate(() => this.runNext());
  }

  private runNext(): void {
    const now = performance.now();
    if (this.turnStartedAt === undefined) {
      this.turnStartedAt = now;
      // Timers run before the next turn's queued callbacks: the turn is over by then.
      setTimeout(() => (this.turnStartedAt = undefined), 0);
    } else if (now - this.turnStartedAt > TURN_BUDGET_MS) {
      setImmediate(() => this.runNext());
      return;
    }
    this.queue.shift()?.();
  }
}
