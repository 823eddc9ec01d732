import type { Workload } from '../workload';
import { loadByReplay, loadFromSnapshot } from './aggregate-load';
import { batchedAppend } from './batched-append';
import { eventBus } from './event-bus';
import { projectionRebuild } from './projection-rebuild';
import { projectionThroughputFour, projectionThroughputOne, projectionThroughputSql } from './projection-throughput';
import { singleAppend } from './single-append';
import { loadTyped, repositorySaveTyped } from './typed-events';

/** Every workload, in the order the results table lists them. */
export const WORKLOADS: readonly Workload[] = [
  batchedAppend,
  singleAppend,
  loadByReplay,
  loadFromSnapshot,
  projectionThroughputOne,
  projectionThroughputSql,
  projectionThroughputFour,
  projectionRebuild,
  eventBus,
  repositorySaveTyped,
  loadTyped,
];

/** The workload called `name`; throws with the known names when there is none. */
export function workloadNamed(name: string): Workload {
  const workload = WORKLOADS.find((candidate) => candidate.name === name);
  if (!workload) throw new Error(`unknown workload '${name}'; known: ${WORKLOADS.map((known) => known.name).join(', ')}`);
  return workload;
}
