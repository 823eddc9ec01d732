import { EventfoldError } from '../errors/eventfold-error';

/** Two different classes were registered in one store under the same event name. */
export class EventNameConflictError extends EventfoldError {
  readonly code = 'EVENTFOLD_EVENT_NAME_CONFLICT';

  constructor(
    /** The contested event name. */
    readonly eventName: string,
    /** Class already registered under the name. */
    readonly registeredClass: string,
    /** Class that tried to take the name. */
    readonly conflictingClass: string,
  ) {
    super(
      `Event name '${eventName}' is already taken by class ${registeredClass}, so ${conflictingClass} cannot use it: ` + 'give one of them another @DomainEvent name.',
    );
  }
}
