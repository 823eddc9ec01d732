import { captureState } from '../aggregates/aggregate-state';
import type { AggregateClass } from '../aggregates/aggregate-class';
import type { JsonValue } from '../events/event-metadata';
import type { Repository } from '../aggregates/repository';
import type { AggregateRoot } from '../aggregates/aggregate-root';
import { toJsonValue } from './json-text';
import { stateChanges, type PlainState, type StateChange } from './state-changes';

/** One step of a history as the command line shows it: the event, the state after it and what changed. */
export interface HistoryStepView {
  readonly event: {
    readonly version: number;
    readonly position: number;
    readonly type: string;
    readonly recordedAt: string;
    readonly eventId: string;
    readonly payload: JsonValue;
    readonly metadata: JsonValue;
  };
  /** The aggregate's fields right after the event, as snapshots store them. */
  readonly state: PlainState;
  /** The fields the event changed, compared with the state before it. */
  readonly changes: readonly StateChange[];
}

/** Where a history stops: at most one of them. */
export interface HistoryLimit {
  readonly version?: number;
  readonly at?: Date;
}

/**
 * Replays an aggregate with `repository.history` and describes each step, comparing each state
 * with the one before (the first with a new aggregate's defaults).
 *
 * @example
 * ```ts
 * for await (const step of historySteps(store.repository(Order), Order, 'o-1', { version: 3 })) {
 *   console.log(step.event.type, step.changes);
 * }
 * ```
 */
export async function* historySteps<T extends AggregateRoot>(
  repository: Repository<T>,
  aggregateClass: AggregateClass<T>,
  id: string,
  limit: HistoryLimit,
): AsyncGenerator<HistoryStepView> {
  let before = plainState(new aggregateClass(id));
  for await (const { recorded, state } of repository.history(id, limit)) {
    const after = plainState(state);
    yield {
      event: {
        version: recorded.streamVersion,
        position: recorded.position,
        type: recorded.type,
        recordedAt: recorded.recordedAt.toISOString(),
        eventId: recorded.eventId,
        payload: toJsonValue(recorded.event),
        metadata: toJsonValue(recorded.metadata),
      },
      state: after,
      changes: stateChanges(before, after),
    };
    before = after;
  }
}

function plainState(aggregate: AggregateRoot): PlainState {
  return JSON.parse(captureState(aggregate)) as PlainState;
}
