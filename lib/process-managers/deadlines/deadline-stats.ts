import type { FoundDeadline } from './due-deadline-queries';

/**
 * Figures of the deadlines of one process manager in one process, as
 * `DeadlineDelivery.stats(processManager)` reports them.
 *
 * @example
 * ```ts
 * function describeStats(stats: DeadlineStats): string {
 *   return `${stats.delivered} delivered, ${stats.retried} retried, ${stats.failed} failed, ${stats.lagMs} ms behind`;
 * }
 * ```
 */
export interface DeadlineStats {
  /** Deadlines delivered (their transaction committed). */
  readonly delivered: number;
  /** Failed deliveries that are to be tried again. */
  readonly retried: number;
  /** Deadlines whose last attempt failed, now kept with status `'failed'`. */
  readonly failed: number;
  /**
   * How late deadlines are delivered: while due deadlines wait (a backlog after a restart, a slow
   * delivery), how long ago the first of them fell due; otherwise how late the last one was
   * delivered after its due time. 0 before any.
   */
  readonly lagMs: number;
}

/** Counts of one process manager, and the due deadlines its look found and has not handled yet. */
export class DeadlineCounters {
  delivered = 0;
  retried = 0;
  failed = 0;
  private lastLatenessMs = 0;
  private waiting: FoundDeadline[] = [];

  /** The deadlines of this process manager that a look found due, the first due first. */
  found(deadlines: readonly FoundDeadline[]): void {
    this.waiting = [...deadlines];
  }

  /** `deadline` was handled: delivered, failed, or gone. */
  handled(deadline: FoundDeadline): void {
    this.waiting = this.waiting.filter((waiting) => waiting !== deadline);
  }

  /** A deadline due at `dueAtMs` was delivered at `deliveredAtMs`. */
  deliveredLate(dueAtMs: number, deliveredAtMs: number): void {
    this.delivered++;
    this.lastLatenessMs = Math.max(0, deliveredAtMs - dueAtMs);
  }

  stats(nowMs: number): DeadlineStats {
    const firstWaiting = this.waiting[0];
    const lagMs = firstWaiting ? Math.max(0, nowMs - firstWaiting.dueAtMs) : this.lastLatenessMs;
    return { delivered: this.delivered, retried: this.retried, failed: this.failed, lagMs };
  }
}
