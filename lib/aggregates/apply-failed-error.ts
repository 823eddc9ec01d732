import { EventfoldError } from '../errors/eventfold-error';

/** Where an `@Apply` method failed: which aggregate, which method, which stored event. */
export interface ApplyFailure {
  /** The aggregate class, e.g. `'Order'`. */
  readonly aggregateClass: string;
  /** The stream type (the `@Aggregate` name). */
  readonly streamType: string;
  /** The aggregate's id, the id of its stream. */
  readonly streamId: string;
  /** The version of the event that was being applied. */
  readonly streamVersion: number;
  /** The stored type name of the event (its `@DomainEvent` name). */
  readonly eventType: string;
  /** The `@Apply` method that threw. */
  readonly method: string;
}

/**
 * An `@Apply` method threw while an aggregate was rebuilt from its stream (a load, a find or a
 * history), so the aggregate could not reach the state its events describe. The event is already
 * stored and cannot be refused now: the apply method has to accept it. The original error is the
 * `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await orders.load('o-1');
 * } catch (error) {
 *   if (error instanceof ApplyFailedError) console.error(error.streamVersion, error.eventType, error.cause);
 *   throw error;
 * }
 * ```
 */
export class ApplyFailedError extends EventfoldError implements ApplyFailure {
  readonly code = 'EVENTFOLD_APPLY_FAILED';
  readonly aggregateClass: string;
  readonly streamType: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly eventType: string;
  readonly method: string;

  constructor(failure: ApplyFailure, options: { cause: unknown }) {
    const cause = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      `${failure.aggregateClass}.${failure.method} threw while replaying ${failure.streamType}/${failure.streamId} ` +
        `version ${failure.streamVersion} (event '${failure.eventType}'): ${cause}. The event is stored, so the apply method ` +
        'must accept it: fix the method (apply methods only change state, they never check rules), then load again.',
      options,
    );
    this.aggregateClass = failure.aggregateClass;
    this.streamType = failure.streamType;
    this.streamId = failure.streamId;
    this.streamVersion = failure.streamVersion;
    this.eventType = failure.eventType;
    this.method = failure.method;
  }
}
