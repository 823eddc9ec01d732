import { EventfoldError } from '../../errors/eventfold-error';
import type { StreamRef } from '../stream-ref';

/**
 * An archived stream was read or loaded: {@link EventStore.archiveStream} hides a stream's events
 * from reads until {@link EventStore.restoreStream} brings them back. Nothing was lost: restore
 * the stream, or read it with `{ includeArchived: true }`.
 *
 * @example
 * ```ts
 * try {
 *   return await orders.load('o-1');
 * } catch (error) {
 *   if (!(error instanceof StreamArchivedError)) throw error;
 *   await store.restoreStream(error.stream);
 *   return orders.load('o-1');
 * }
 * ```
 */
export class StreamArchivedError extends EventfoldError {
  readonly code = 'EVENTFOLD_STREAM_ARCHIVED';

  constructor(
    /** The archived stream. */
    readonly stream: StreamRef,
    /** What was attempted, such as `'read'`. */
    readonly operation: string,
  ) {
    super(
      `Cannot ${operation} stream ${stream.type}/${stream.id}: it is archived, so its events are hidden. ` +
        `Restore it with store.restoreStream({ type: '${stream.type}', id: '${stream.id}' }), or read it with { includeArchived: true }.`,
    );
  }
}
