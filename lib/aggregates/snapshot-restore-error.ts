import { EventfoldError } from '../errors/eventfold-error';
import type { StreamRef } from '../store/stream-ref';

/**
 * A stored snapshot could not be turned back into an aggregate: its state is not valid JSON, or
 * class-transformer failed to build the aggregate's fields from it. The load did not fail: it
 * replayed the stream from its first event instead. This error goes to the store's
 * `onSnapshotError` (a process warning by default), so that the damage is seen.
 *
 * @example
 * ```ts
 * const store = await EventStore.open({
 *   sqlite: 'app.db',
 *   onSnapshotError: (error) => logger.warn(error),
 * });
 * ```
 */
export class SnapshotRestoreError extends EventfoldError {
  readonly code = 'EVENTFOLD_SNAPSHOT_RESTORE';

  constructor(
    /** The aggregate class. */
    readonly aggregateClass: string,
    /** The aggregate's stream. */
    readonly stream: StreamRef,
    /** The stream version the snapshot was taken at. */
    readonly streamVersion: number,
    options: { cause: unknown },
  ) {
    super(
      `The snapshot of ${stream.type}/${stream.id} at version ${streamVersion} could not be restored as ${aggregateClass} state ` +
        `(${describeCause(options.cause)}), so the load replayed the whole stream instead. The next snapshot that falls due ` +
        `replaces it; if the aggregate's fields changed, raise snapshotVersion in @Aggregate so that old snapshots are ignored.`,
      options,
    );
  }
}

function describeCause(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
