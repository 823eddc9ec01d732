import { EventfoldError } from '../errors/eventfold-error';

/**
 * An object was used as an event, but its class is not decorated with `@DomainEvent`, so it has
 * no stable name to be stored under.
 */
export class UnregisteredEventError extends EventfoldError {
  readonly code = 'EVENTFOLD_UNREGISTERED_EVENT';

  constructor(
    /** Name of the class that lacks `@DomainEvent`, or a description of a value that is no class instance. */
    readonly className: string,
    /** False when the value was not an instance of a class at all (a plain object, a string). */
    isClassInstance = true,
  ) {
    super(
      isClassInstance
        ? `${className} is not a registered event: decorate the class with @DomainEvent('${className}') ` +
            '(the name is what gets stored, so choose it once and keep it).'
        : `${className} is not an event: events are instances of classes decorated with @DomainEvent('Name').`,
    );
  }
}
