import { EventfoldError } from '../errors/eventfold-error';

/**
 * An aggregate whose stream has no events (at that point in time) was asked for: by a
 * repository's `load`, or by `eventfold history`.
 *
 * @example
 * ```ts
 * try {
 *   return await orders.load('o-1');
 * } catch (error) {
 *   if (error instanceof AggregateNotFoundError) return undefined; // or orders.find(id)
 *   throw error;
 * }
 * ```
 */
export class AggregateNotFoundError extends EventfoldError {
  readonly code = 'EVENTFOLD_AGGREGATE_NOT_FOUND';

  constructor(
    /** Aggregate (stream) type. */
    readonly aggregateType: string,
    /** The id that was asked for. */
    readonly aggregateId: string,
    /** The point in time asked for, if any. */
    readonly at?: Date,
    /** What the caller can do about it, in place of the advice for repository users. */
    nextStep?: string,
  ) {
    super(
      at
        ? `${aggregateType} '${aggregateId}' did not exist yet at ${at.toISOString()}: its first event is later, or it has none.${nextStep ? ` ${nextStep}` : ''}`
        : `${aggregateType} '${aggregateId}' does not exist: its stream has no events. ${nextStep ?? 'Check the id, or use repository.find() to get undefined instead.'}`,
    );
  }
}
