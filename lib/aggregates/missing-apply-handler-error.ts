import { EventfoldError } from '../errors/eventfold-error';

/**
 * An aggregate raised (or found in its stream) an event it has no `@Apply` method for, so its
 * state could not follow the event.
 */
export class MissingApplyHandlerError extends EventfoldError {
  readonly code = 'EVENTFOLD_MISSING_APPLY_HANDLER';

  constructor(
    /** The aggregate class. */
    readonly aggregateClass: string,
    /** The event class without a handler. */
    readonly eventClass: string,
  ) {
    super(
      `${aggregateClass} has no @Apply(${eventClass}) method, so it cannot apply a ${eventClass}. ` +
        `Add one to ${aggregateClass} (an empty method is fine for events that do not change state).`,
    );
  }
}
