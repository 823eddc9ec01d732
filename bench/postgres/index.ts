import { postgresBatchedAppend, postgresSingleAppend } from './append-workloads';
import { postgresConcurrentAppends } from './concurrent-append-workloads';
import { postgresLoadByReplay } from './load-workload';
import type { PostgresWorkload } from './postgres-run';
import { postgresFoldProjectionOneProcess, postgresProjectionOneProcess, postgresProjectionThreeProcesses } from './projection-workloads';

/** Every PostgreSQL workload, in the order the table lists them. */
export const POSTGRES_WORKLOADS: readonly PostgresWorkload[] = [
  postgresBatchedAppend,
  postgresSingleAppend,
  ...postgresConcurrentAppends,
  postgresLoadByReplay,
  postgresProjectionOneProcess,
  postgresFoldProjectionOneProcess,
  postgresProjectionThreeProcesses,
];

/** The PostgreSQL workload called `name`; throws with the known names when there is none. */
export function postgresWorkloadNamed(name: string): PostgresWorkload {
  const workload = POSTGRES_WORKLOADS.find((candidate) => candidate.name === name);
  if (!workload) throw new Error(`unknown PostgreSQL workload '${name}'; known: ${POSTGRES_WORKLOADS.map((known) => known.name).join(', ')}`);
  return workload;
}
