import type { Workload } from '../workload';
import { loadByReplay, loadFromSnapshot } from './aggregate-load';
import { batchedAppend } from './batched-append';
import { deadlineDelay, deadlineDelayPaced } from './deadline-delay';
import { deadlineDelivery } from './deadline-delivery';
import { eventBus } from './event-bus';
import { inlineProjection } from './inline-projection';
import { projectionRebuild, projectionRebuildFold } from './projection-rebuild';
import {
  projectionThroughputFold,
  projectionThroughputFour,
  projectionThroughputKyselyConsumer,
  projectionThroughputOne,
  projectionThroughputSql,
} from './projection-throughput';
import { readAll } from './read-all';
import { singleAppend } from './single-append';
import { telemetryOverhead, telemetryWithSdk } from './telemetry-overhead';
import { loadTyped, repositorySaveTyped } from './typed-events';

/** Every workload, in the order the results table lists them. */
export const WORKLOADS: readonly Workload[] = [
  batchedAppend,
  singleAppend,
  inlineProjection,
  loadByReplay,
  loadFromSnapshot,
  projectionThroughputOne,
  projectionThroughputSql,
  projectionThroughputFold,
  projectionThroughputKyselyConsumer,
  projectionThroughputFour,
  projectionRebuild,
  projectionRebuildFold,
  eventBus,
  readAll,
  repositorySaveTyped,
  loadTyped,
  deadlineDelivery,
  deadlineDelay,
  deadlineDelayPaced,
  telemetryOverhead,
  telemetryWithSdk,
];

/** The workload called `name`; throws with the known names when there is none. */
export function workloadNamed(name: string): Workload {
  const workload = WORKLOADS.find((candidate) => candidate.name === name);
  if (!workload) throw new Error(`unknown workload '${name}'; known: ${WORKLOADS.map((known) => known.name).join(', ')}`);
  return workload;
}
