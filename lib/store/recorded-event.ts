import type { EventMetadata } from '../events/event-metadata';

/**
 * An event as the log holds it: the decoded event instance together with where and when it was
 * stored.
 *
 * @example
 * ```ts
 * for await (const recorded of store.readAll({ from: 1 })) {
 *   console.log(recorded.position, recorded.type, recorded.event);
 * }
 * ```
 */
export interface RecordedEvent<E extends object = object> {
  /** Place in the global order of the whole log, starting at 1 and increasing with each event. */
  readonly position: number;
  /** Unique id of the event (a UUID v7 unless the writer supplied one). Use it to deduplicate. */
  readonly eventId: string;
  /** Type of the stream the event belongs to, e.g. `'Order'`. */
  readonly streamType: string;
  /** Id of the stream within its type. */
  readonly streamId: string;
  /** Place of the event in its stream, starting at 1. */
  readonly streamVersion: number;
  /** Registered event name (from `@DomainEvent`). */
  readonly type: string;
  /** Schema version the payload was stored at (before any upcasting). */
  readonly schemaVersion: number;
  /** The decoded event instance, upcast to the current schema version. */
  readonly event: E;
  /** Correlation, causation and user fields stored with the event. */
  readonly metadata: EventMetadata;
  /** When the event was appended. */
  readonly recordedAt: Date;
}
