import { EventfoldError } from '../../errors/eventfold-error';
import type { StreamRef } from '../stream-ref';

/**
 * A deleted stream was written to, loaded, archived or restored. Its events were removed by
 * {@link EventStore.deleteStream} and its tombstone keeps its name from coming back: a deleted
 * stream stays deleted. Use another stream id for new events.
 *
 * @example
 * ```ts
 * try {
 *   await orders.load('o-1');
 * } catch (error) {
 *   if (error instanceof StreamDeletedError) return undefined;
 *   throw error;
 * }
 * ```
 */
export class StreamDeletedError extends EventfoldError {
  readonly code = 'EVENTFOLD_STREAM_DELETED';

  constructor(
    /** The deleted stream. */
    readonly stream: StreamRef,
    /** What was attempted, such as `'append to'`. */
    readonly operation: string,
  ) {
    super(
      `Cannot ${operation} stream ${stream.type}/${stream.id}: it was deleted, and a deleted stream stays deleted. ` +
        'Its tombstone, a $StreamDeleted event, is all that is left of it; use another stream id for new events.',
    );
  }
}
