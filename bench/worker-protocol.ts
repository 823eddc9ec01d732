import type { PostgresRun } from './postgres/postgres-run';
import type { Measurement, Side, WorkloadRun } from './workload';

/**
 * What the parent asks a worker process to do, passed as its one argument in JSON. `baseline`
 * loads everything the workloads load and does nothing, to show the memory every worker starts at.
 * A `prepare` without a side builds the database the workload's sides share. `postgres` measures
 * one side of a PostgreSQL workload.
 */
export type WorkerRequest =
  | { readonly phase: 'baseline' }
  | { readonly phase: 'prepare'; readonly workload: string; readonly side?: Side; readonly run: WorkloadRun }
  | { readonly phase: 'measure'; readonly workload: string; readonly side: Side; readonly run: WorkloadRun }
  | { readonly phase: 'postgres'; readonly workload: string; readonly side: Side; readonly run: PostgresRun };

/** What a worker answers: its figure (when it measured) and its peak resident memory. */
export type WorkerReply = { readonly ok: true; readonly measurement?: Measurement; readonly maxRssKb: number } | { readonly ok: false; readonly error: string };
