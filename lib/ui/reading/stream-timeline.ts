import type { AggregateClass } from '../../aggregates/aggregate-class';
import type { AggregateRoot } from '../../aggregates/aggregate-root';
import { eventView, historySteps, type EventView, type HistoryStepView } from '../../inspection/history-steps';
import type { EventStore } from '../../event-store/event-store';
import type { UndecodableEventError } from '../../events/undecodable-event-error';

/** How many events around the one shown the list on the left holds. */
const LIST_RADIUS = 150;

/** One event of a stream as the list on the left of a stream's page names it. */
export interface TimelineEntry {
  readonly version: number;
  readonly position: number;
  readonly type: string;
  /** Why it could not be decoded, when it could not (its class is not registered, say). */
  readonly undecodable?: string;
}

/** A stream at one of its versions: what a stream's page shows. */
export interface StreamTimeline {
  readonly type: string;
  readonly id: string;
  /** The stream's last version. */
  readonly lastVersion: number;
  /** The version shown. */
  readonly version: number;
  /** Events around the one shown, in version order. */
  readonly entries: readonly TimelineEntry[];
  /** The event at `version`, or null when it cannot be decoded. */
  readonly event: EventView | null;
  /**
   * For a stream of a known aggregate: the state after the event and what it changed. A string
   * says why there is no state (no aggregate class, or replay failed).
   */
  readonly step: HistoryStepView | string;
}

/**
 * Reads a stream at `version` (its last when not given): the events around it, the event itself
 * and, for an aggregate, the state after it by replaying the history up to it. Returns null when
 * the stream has no events.
 */
export async function readStreamTimeline(
  store: EventStore,
  aggregateClass: AggregateClass | undefined,
  stream: { readonly type: string; readonly id: string },
  askedVersion: number | undefined,
): Promise<StreamTimeline | null> {
  const lastVersion = await store.streamVersion(stream);
  if (lastVersion === 0) return null;
  const version = Math.min(Math.max(askedVersion ?? lastVersion, 1), lastVersion);
  const entries: TimelineEntry[] = [];
  let event: EventView | null = null;
  const options = {
    fromVersion: Math.max(1, version - LIST_RADIUS),
    toVersion: Math.min(lastVersion, version + LIST_RADIUS),
    includeArchived: true,
    onUndecodable: (error: UndecodableEventError) =>
      entries.push({ version: error.streamVersion, position: error.position, type: error.type, undecodable: error.message }),
  };
  for await (const recorded of store.readStream(stream, options)) {
    entries.push({ version: recorded.streamVersion, position: recorded.position, type: recorded.type });
    if (recorded.streamVersion === version) event = eventView(recorded);
  }
  entries.sort((a, b) => a.version - b.version);
  return { type: stream.type, id: stream.id, lastVersion, version, entries, event, step: await stepAt(store, aggregateClass, stream.id, version) };
}

async function stepAt(store: EventStore, aggregateClass: AggregateClass | undefined, id: string, version: number): Promise<HistoryStepView | string> {
  if (aggregateClass === undefined) return 'No aggregate class is registered for this stream type, so only its events are shown.';
  try {
    let last: HistoryStepView | undefined;
    for await (const step of historySteps(store.repository<AggregateRoot>(aggregateClass), aggregateClass, id, { version })) last = step;
    return last ?? 'The aggregate has no state at this version.';
  } catch (error) {
    return `The aggregate could not be replayed to this version: ${error instanceof Error ? error.message : String(error)}`;
  }
}
