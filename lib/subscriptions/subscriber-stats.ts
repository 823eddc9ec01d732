import type { HorizonStall } from '../store/postgres/horizon-stall';
import type { SubscriberKind } from './subscriber.decorators';
import type { DeadlineStats } from '../process-managers/deadlines/deadline-stats';

/** What a subscriber is doing. */
export type RunnerState = 'starting' | 'catching-up' | 'live' | 'standby' | 'halted' | 'rebuilding' | 'stopped';

/** Figures of one subscriber, as `dispatcher.stats()` reports them. */
export interface SubscriberStats {
  readonly name: string;
  readonly kind: SubscriberKind;
  /**
   * For a process manager: the deadlines this process delivered, retried and gave up on, and how
   * late they are delivered (`lagMs`: while due deadlines wait, how long ago the first fell due).
   */
  readonly deadlines?: DeadlineStats;
  readonly state: RunnerState;
  /** Events handled successfully (not counting those of types it ignores, nor dead letters). */
  readonly processed: number;
  /** Attempts that were retried after a failure. */
  readonly retried: number;
  /** Attempts that failed (thrown or timed out). */
  readonly failed: number;
  /** Events sent to the dead letters. */
  readonly deadLettered: number;
  /** Every event up to this position is finished. */
  readonly checkpoint: number;
  /** Events in the log after the checkpoint. */
  readonly lag: number;
  /** Milliseconds from an event's append to its handling finishing, over recent events. */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number };
  /** Why the subscriber halted, when it did. */
  readonly haltedReason?: string;
  /**
   * PostgreSQL: set while a transaction left open on the server holds the subscriber back. It has
   * finished every readable event, and events committed since wait for that transaction to end:
   * since when, for how long, and which transaction (`holder.pid`, `holder.transactionAgeMs`).
   * Shown once events have waited a second; never set on SQLite.
   */
  readonly stalled?: HorizonStall;
}

const SAMPLES = 1024;

/** Counts and latency samples of one subscriber. */
export class StatsCollector {
  processed = 0;
  retried = 0;
  failed = 0;
  deadLettered = 0;
  private readonly latencies = new Float64Array(SAMPLES);
  private sampled = 0;

  /** Records the latency of a finished event. */
  sample(recordedAt: Date): void {
    this.latencies[this.sampled++ % SAMPLES] = Math.max(0, Date.now() - recordedAt.getTime());
  }

  percentiles(): { p50: number; p95: number; p99: number } {
    const count = Math.min(this.sampled, SAMPLES);
    if (count === 0) return { p50: 0, p95: 0, p99: 0 };
    const sorted = Array.from(this.latencies.subarray(0, count)).sort((a, b) => a - b);
    const at = (share: number) => sorted[Math.min(count - 1, Math.floor(share * count))] ?? 0;
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
  }
}
