import type { Measurement } from '../workload';

/** What one worker process is asked to do for a PostgreSQL workload. */
export interface PostgresRun {
  /** The server, e.g. `postgres://postgres@127.0.0.1:5432/test`. */
  readonly url: string;
  /** A schema of the run's own, created by the worker and dropped by the parent afterwards. */
  readonly schema: string;
  /** Smaller counts, for a fast check rather than figures to quote. */
  readonly quick: boolean;
}

/** A workload done by eventfold on PostgreSQL and, where there is one, by hand-written `pg` code. */
export interface PostgresWorkload {
  /** Identifier, used on the command line (`--only=pg-batched-append`) and by the worker. */
  readonly name: string;
  label(quick: boolean): string;
  readonly unit: 'events/s' | 'ms';
  /** How the workload is done, for the notes under the table. */
  note(quick: boolean): string;
  /** Trials per side in a full run, when not the suite's usual number. */
  readonly trials?: number;
  eventfold: (run: PostgresRun) => Promise<Measurement>;
  /** Absent where no hand-written counterpart would be a like-for-like comparison. */
  raw?: (run: PostgresRun) => Promise<Measurement>;
}
