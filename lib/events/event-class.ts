/**
 * A class whose instances are domain events. Any constructor will do; the class becomes a
 * registered event once it carries {@link DomainEvent}.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- constructor parameters are the event's own; `unknown[]` would refuse every class with typed ones
export type EventClass<E extends object = object> = new (...args: any[]) => E;

/**
 * Turns a stored payload of schema version `n` into the shape of version `n + 1`. It receives a
 * plain JSON object and returns a plain JSON object; it must not mutate its argument.
 */
export type Upcaster = (payload: Record<string, unknown>) => Record<string, unknown>;

/** What {@link DomainEvent} records about an event class. */
export interface EventDefinition {
  /** The stable name under which the event is stored (never the class name, which may change). */
  readonly name: string;
  /** The current schema version; payloads are written with it. */
  readonly version: number;
  /** Upcasters keyed by the version they upgrade from. */
  readonly upcasters: Readonly<Record<number, Upcaster>>;
  /** The decorated class. */
  readonly eventClass: EventClass;
  /** Where a handler has events of several streams ready, higher goes first. 0 unless declared. */
  readonly priority: number;
}
