import { EventfoldError } from '../errors/eventfold-error';

/** A repository was asked to load an aggregate whose stream has no events (at that point in time). */
export class AggregateNotFoundError extends EventfoldError {
  readonly code = 'EVENTFOLD_AGGREGATE_NOT_FOUND';

  constructor(
    /** Aggregate (stream) type. */
    readonly aggregateType: string,
    /** The id that was asked for. */
    readonly aggregateId: string,
    /** The point in time asked for, if any. */
    readonly at?: Date,
  ) {
    super(
      at
        ? `${aggregateType} '${aggregateId}' did not exist yet at ${at.toISOString()}: its first event is later, or it has none.`
        : `${aggregateType} '${aggregateId}' does not exist: its stream has no events. Check the id, or use repository.find() to get undefined instead.`,
    );
  }
}
