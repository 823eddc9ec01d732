import { EventfoldError } from '../errors/eventfold-error';

/**
 * {@link EventStore.waitForReadable} gave up: the position was still beyond the readable head of
 * the log when its time ran out. On PostgreSQL, an event becomes readable once every transaction
 * that was writing when it was appended has ended, so a transaction left open anywhere on the
 * server (an `idle in transaction` session, a long migration) holds it back; find it in
 * `pg_stat_activity` and end it, or wait longer.
 *
 * @example
 * ```ts
 * try {
 *   await store.waitForReadable({ timeoutMs: 5000 });
 * } catch (error) {
 *   if (error instanceof NotReadableError) console.warn(`readers are held at ${error.readableHead}`);
 * }
 * ```
 */
export class NotReadableError extends EventfoldError {
  readonly code = 'EVENTFOLD_NOT_READABLE';

  constructor(
    /** The position that was waited for. */
    readonly position: number,
    /** The readable head of the log when the wait gave up. */
    readonly readableHead: number,
    readonly timeoutMs: number,
  ) {
    super(
      `Position ${position} is not readable after ${timeoutMs} ms: readers can read up to ${readableHead}. ` +
        'A transaction that was writing when the event was appended is still open; end it (see pg_stat_activity), or wait longer.',
    );
  }
}
