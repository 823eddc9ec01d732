import type { EventMetadata } from '../events/event-metadata';
import type { ExpectedVersion } from './expected-version';
import type { RecordedEvent } from './recorded-event';

/**
 * An event to append together with its own id or metadata. Plain event instances can be
 * appended directly; wrap one in a `NewEvent` to fix its id (so that a retried append is
 * recognised and not duplicated) or to give it metadata of its own.
 *
 * @example
 * ```ts
 * await store.append(stream, [{ event: new OrderPlaced('o-1'), id: commandId, metadata: { userId: 'u-7' } }]);
 * ```
 */
export interface NewEvent<E extends object = object> {
  readonly event: E;
  /** A UUID. Defaults to a new UUID v7. */
  readonly id?: string;
  /** Merged over the append's `metadata` option. */
  readonly metadata?: EventMetadata;
}

/** Options of {@link EventStore.append}. */
export interface AppendOptions {
  /** The stream version the writer last saw. Defaults to `'any'` (no check). */
  readonly expectedVersion?: ExpectedVersion;
  /** Metadata stored with every event of the append (per-event metadata wins on conflict). */
  readonly metadata?: EventMetadata;
}

/** What an append stored. */
export interface AppendResult {
  /** The stream's version after the append: pass it as `expectedVersion` to append again. */
  readonly nextExpectedVersion: number;
  /** The events as stored, with their positions and versions. */
  readonly events: readonly RecordedEvent[];
  /** True when every event was already stored by an earlier attempt of the same append. */
  readonly alreadyStored: boolean;
}

/** A plain object with an `event` field is a {@link NewEvent}; registered events are class instances. */
export function isNewEvent(item: object | NewEvent): item is NewEvent {
  return typeof item === 'object' && item !== null && Object.getPrototypeOf(item) === Object.prototype && 'event' in item;
}
