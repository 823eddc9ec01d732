import { EventfoldError } from '../../errors/eventfold-error';

/**
 * Another process runs the subscriber (holds its lease), so this one cannot work on it: acting
 * beside that process could handle the same event twice, or move its checkpoint under it.
 *
 * @example
 * ```ts
 * try {
 *   await operations.discardDeadLetter(id);
 * } catch (error) {
 *   if (error instanceof SubscriberBusyError) console.log(`stop ${error.heldBy} first`);
 *   else throw error;
 * }
 * ```
 */
export class SubscriberBusyError extends EventfoldError {
  readonly code = 'EVENTFOLD_SUBSCRIBER_BUSY';

  constructor(
    /** The subscriber's name (a segment's, for a subscriber split into segments). */
    readonly subscriber: string,
    /** What this process wanted to do, e.g. `rebuild it`. */
    readonly operation: string,
    /** The process holding the lease (`host:pid:random`), when known. */
    readonly heldBy: string | null,
    /** When the lease runs out unless renewed. */
    readonly leaseExpiresAt: Date | null,
  ) {
    super(
      `Cannot ${operation}: '${subscriber}' is running in another process${heldBy ? ` (${heldBy})` : ''}. ` +
        `Stop that process and try again${leaseExpiresAt ? ` (if it has ended already, its lease runs out at ${leaseExpiresAt.toISOString()})` : ''}, ` +
        'or do it in that process through its Dispatcher.',
    );
  }
}
