import { EventfoldError } from '../../errors/eventfold-error';
import type { StreamRef } from '../../store/stream-ref';

/**
 * An inline projection (see `inlineProjections` in {@link EventStore.open}) threw while applying
 * an append's events. The append was rolled back with it: none of its events was stored, and
 * nothing any inline projection wrote for them was kept. `cause` is what the projection threw.
 *
 * @example
 * ```ts
 * try {
 *   await orders.save(order);
 * } catch (error) {
 *   if (error instanceof InlineProjectionError) console.error(error.projection, error.eventType, error.cause);
 *   throw error;
 * }
 * ```
 */
export class InlineProjectionError extends EventfoldError {
  readonly code = 'EVENTFOLD_INLINE_PROJECTION';

  constructor(
    /** The name of the projection that failed. */
    readonly projection: string,
    /** The stream the append was writing to. */
    readonly stream: StreamRef,
    /** The type of the event the projection failed on. */
    readonly eventType: string,
    /** The stream version that event would have had. */
    readonly streamVersion: number,
    options: { cause: unknown },
  ) {
    super(
      `Inline projection '${projection}' failed on the ${eventType} event at version ${streamVersion} of stream ${stream.type}/${stream.id}: ` +
        `${causeText(options.cause)}. Nothing was appended: the events and the read-model changes were rolled back together. ` +
        'Fix the projection (or the read-model table it writes) and append again; the cause is attached.',
      options,
    );
  }
}

function causeText(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  return text.replace(/\.$/, '');
}
