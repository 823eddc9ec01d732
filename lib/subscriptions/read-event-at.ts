import type { EventStore } from '../event-store/event-store';
import type { UndecodableHandling } from '../store/read-events';
import type { RecordedEvent } from '../store/recorded-event';

/**
 * Reads the one event at `position` of the log, for a dead letter's retry, even when its stream is
 * archived; undefined when the log does not hold it (or, with `onUndecodable`, when it cannot be
 * decoded).
 *
 * A dead letter may name an event that has committed but is not readable yet. On PostgreSQL a
 * subscriber gets the appends of its own process straight from memory, before every transaction
 * that was writing when they were appended has ended (see {@link EventStore.headPosition}); a
 * read of the log at once would not find the event, and the retry would give up without an
 * attempt. So a committed event is first waited for until it is readable, with
 * {@link EventStore.waitForReadable}, which gives up with a `NotReadableError` when a transaction
 * stays open past its timeout.
 *
 * @example
 * ```ts
 * const recorded = await readEventAt(store, letter.position);
 * ```
 */
export async function readEventAt(store: EventStore, position: number, onUndecodable?: UndecodableHandling): Promise<RecordedEvent | undefined> {
  const { readable, latest } = await store.logHorizon();
  if (position > readable && position <= latest) await store.waitForReadable({ position });
  // A dead letter names its event: one of a stream archived since is still the one to retry.
  for await (const recorded of store.readAll({ from: position, to: position, onUndecodable, includeArchived: true })) return recorded;
  return undefined;
}
