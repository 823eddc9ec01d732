import { EventfoldError } from '../errors/eventfold-error';

/** Where in the log an event that could not be decoded is stored. */
export interface StoredEventLocation {
  readonly position: number;
  readonly type: string;
  readonly streamType: string;
  readonly streamId: string;
  readonly streamVersion: number;
  /** The stored event's id, where the reader had it. */
  readonly eventId?: string;
  /** When the event was recorded, where the reader had it. */
  readonly recordedAt?: Date;
}

/**
 * A stored event could not be turned back into an instance. The fields say where it is stored,
 * so it can be inspected or repaired; readers can pass `onUndecodable: 'skip'` to go past it.
 */
export abstract class UndecodableEventError extends EventfoldError {
  readonly position: number;
  readonly type: string;
  readonly streamType: string;
  readonly streamId: string;
  readonly streamVersion: number;
  /** The stored event's id, when known (it is on every event read from the log). */
  readonly eventId: string | undefined;
  /** When the event was recorded, when known. */
  readonly recordedAt: Date | undefined;

  constructor(location: StoredEventLocation, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.position = location.position;
    this.type = location.type;
    this.streamType = location.streamType;
    this.streamId = location.streamId;
    this.streamVersion = location.streamVersion;
    this.eventId = location.eventId;
    this.recordedAt = location.recordedAt;
  }
}

function describe(location: StoredEventLocation): string {
  return `event at position ${location.position} (type '${location.type}', stream ${location.streamType}/${location.streamId} version ${location.streamVersion})`;
}

/** The stored event's type name is not registered with the store reading it. */
export class UnknownEventTypeError extends UndecodableEventError {
  readonly code = 'EVENTFOLD_UNKNOWN_EVENT_TYPE';

  constructor(location: StoredEventLocation) {
    super(
      location,
      `Cannot decode ${describe(location)}: no registered class is named '${location.type}'. ` +
        `Register it (EventStore.open({ events: [...] }) or store.registerEvents(...)), ` +
        `or read with onUndecodable: 'skip' to pass over it.`,
    );
  }
}

/**
 * The stored event's payload or metadata is not valid JSON, cannot be upcast, or was written by
 * a newer schema version than the code knows.
 */
export class CorruptEventError extends UndecodableEventError {
  readonly code = 'EVENTFOLD_CORRUPT_EVENT';

  constructor(
    location: StoredEventLocation,
    /** What was wrong with the stored row. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(location, `Cannot decode ${describe(location)}: ${reason}`, options);
  }
}

/**
 * The event class's constructor threw when reading called it. Reading builds every stored event
 * with `new EventClass()`, without arguments, and then assigns the stored fields (this is what
 * class-transformer does), so a constructor that checks its arguments fails for every stored
 * event of the class. Nothing is wrong with the stored event: give the constructor's parameters
 * defaults and check them where events are created (a factory, or the aggregate's command
 * method) instead.
 *
 * @example
 * ```ts
 * @DomainEvent('OrderPlaced')
 * class OrderPlaced {
 *   constructor(readonly market: string = '') {} // a default instead of `if (!market) throw ...`
 * }
 * ```
 */
export class EventConstructorError extends UndecodableEventError {
  readonly code = 'EVENTFOLD_EVENT_CONSTRUCTOR';

  constructor(
    location: StoredEventLocation,
    /** The event class whose constructor threw. */
    readonly eventClass: string,
    options: { cause: unknown },
  ) {
    const thrown = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      location,
      `Cannot decode ${describe(location)}: the constructor of ${eventClass} threw when called without arguments (${thrown}). ` +
        `Reading builds stored events with new ${eventClass}() and then assigns their fields, so the constructor must work without ` +
        'arguments: give its parameters defaults and check them where the event is created, not in the constructor. ' +
        'The stored event itself is fine and decodes once the constructor is fixed.',
      options,
    );
  }
}
