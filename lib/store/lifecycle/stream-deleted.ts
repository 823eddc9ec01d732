import { DomainEvent } from '../../events/domain-event.decorator';

/** The registered name of {@link StreamDeleted}. */
export const STREAM_DELETED_EVENT = '$StreamDeleted';

/**
 * Recorded by {@link EventStore.deleteStream} in place of a deleted stream's events: the stream's
 * tombstone. It is an event of the deleted stream itself (its `streamType` and `streamId`), at
 * stream version 2147483647, with a position after every event the log held when the stream was
 * deleted, so that subscribers and projections receive it in order like any other event and can
 * remove what they kept of the stream. Every store knows this class: a subscriber handles it with
 * `@Handles(StreamDeleted)` or `@On(StreamDeleted)` without registering it.
 *
 * @example
 * ```ts
 * @Projection('open-orders')
 * class OpenOrders {
 *   @On(StreamDeleted)
 *   async forget(deleted: StreamDeleted, { db }: ProjectionContext) {
 *     if (deleted.streamType === 'Order') await db.deleteFrom('open_orders').where('id', '=', deleted.streamId).execute();
 *   }
 * }
 * ```
 */
@DomainEvent(STREAM_DELETED_EVENT)
export class StreamDeleted {
  constructor(
    /** The type of the deleted stream. */
    readonly streamType: string = '',
    /** The id of the deleted stream. */
    readonly streamId: string = '',
    /** The version of the stream's last event when it was deleted (0 if it had none). */
    readonly lastVersion: number = 0,
    /** Why the stream was deleted, as given to `deleteStream`; null when none was given. */
    readonly reason: string | null = null,
  ) {}
}
