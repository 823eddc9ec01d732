import type { Durability } from '../lib';
import type { EventLoopDelay } from './event-loop-delay';
import type { MemoryProfile } from './rss-sampler';

/** Which implementation runs a workload: the library, or hand-written better-sqlite3 code. */
export type Side = 'eventfold' | 'raw';

/** What a workload's figure counts: a rate (higher is better) or a time in milliseconds (lower is better). */
export type WorkloadUnit = 'events/s' | 'deadlines/s' | 'ms';

/** What one worker process is asked to do. */
export interface WorkloadRun {
  /** The SQLite file to work in; `prepare` and `measure` of one side get the same file. */
  readonly file: string;
  readonly durability: Durability;
  /** Smaller counts, for a fast check rather than figures to quote. */
  readonly quick: boolean;
}

/** The figure one side of a workload produced. */
export interface Measurement {
  /** In the workload's unit. */
  readonly value: number;
  /** What was measured, e.g. `'100,000 events in 0.84 s'`. */
  readonly detail: string;
  /** A fingerprint of the result, equal on both sides when they did the same work. */
  readonly checksum?: string;
  /** How resident memory behaved during the timed work, for workloads that sample it. */
  readonly memory?: MemoryProfile;
  /** How long the event loop stalled during the timed work, for workloads that watch it. */
  readonly eventLoopDelay?: EventLoopDelay;
  /** Peak resident memory of the processes the side started (the nodes of a multi-process run), in kilobytes. */
  readonly childPeakRssKb?: number;
}

/** One side of a workload. */
export interface WorkloadSide {
  /** Builds what `measure` needs, in a process of its own so that its memory is not counted. */
  prepare?(run: WorkloadRun): Promise<void>;
  /** Runs the timed work and reports the figure. */
  measure(run: WorkloadRun): Promise<Measurement>;
}

/** A figure to reach: at least `value` when higher is better, below it when lower is. */
export interface Target {
  readonly value: number;
  readonly better: 'higher' | 'lower';
}

/** A workload, done once by eventfold and once by raw better-sqlite3. */
export interface Workload {
  /** Identifier, used on the command line (`--only=batched-append`) and by the worker. */
  readonly name: string;
  /** How the workload reads in the results table. */
  label(quick: boolean): string;
  readonly unit: WorkloadUnit;
  /** The durabilities to run it at; durability only matters to writes. */
  readonly durabilities: readonly Durability[];
  /** How the workload is done, for the notes under the results table. */
  note(quick: boolean): string;
  /** The figure eventfold should reach at a durability, if any. */
  target(durability: Durability): Target | undefined;
  /**
   * Builds, once, a database that both sides start from (a long event log, say). Every trial of
   * either side then works on a fresh copy of it, so a trial that writes leaves nothing behind
   * for the next one.
   */
  prepare?(run: WorkloadRun): Promise<void>;
  /** Trials per side in a full run, for a workload too long for the suite's usual number. */
  readonly trials?: number;
  readonly eventfold: WorkloadSide;
  readonly raw: WorkloadSide;
}
