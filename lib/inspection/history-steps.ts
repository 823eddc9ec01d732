import { captureState } from '../aggregates/aggregate-state';
import type { AggregateClass } from '../aggregates/aggregate-class';
import type { JsonValue } from '../events/event-metadata';
import type { Repository } from '../aggregates/repository';
import type { AggregateRoot } from '../aggregates/aggregate-root';
import type { RecordedEvent } from '../store/recorded-event';
import { toJsonValue } from './json-text';
import { stateChanges, type PlainState, type StateChange } from './state-changes';

/** An event as the command line and the event browser show it: where it is, and its data as JSON. */
export interface EventView {
  readonly version: number;
  readonly position: number;
  readonly type: string;
  readonly recordedAt: string;
  readonly eventId: string;
  readonly payload: JsonValue;
  readonly metadata: JsonValue;
}

/** One step of a history as the command line shows it: the event, the state after it and what changed. */
export interface HistoryStepView {
  readonly event: EventView;
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
      event: eventView(recorded),
      state: after,
      changes: stateChanges(before, after),
    };
    before = after;
  }
}

/** A recorded event as {@link EventView} shows it. */
export function eventView(recorded: RecordedEvent): EventView {
  return {
    version: recorded.streamVersion,
    position: recorded.position,
    type: recorded.type,
    recordedAt: recorded.recordedAt.toISOString(),
    eventId: recorded.eventId,
    payload: toJsonValue(recorded.event),
    metadata: toJsonValue(recorded.metadata),
  };
}

function plainState(aggregate: AggregateRoot): PlainState {
  return JSON.parse(captureState(aggregate)) as PlainState;
}
