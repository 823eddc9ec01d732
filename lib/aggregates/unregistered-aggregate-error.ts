import { EventfoldError } from '../errors/eventfold-error';

/** A class was used as an aggregate but lacks `@Aggregate`. */
export class UnregisteredAggregateError extends EventfoldError {
  readonly code = 'EVENTFOLD_UNREGISTERED_AGGREGATE';

  constructor(
    /** The undecorated class. */
    readonly className: string,
  ) {
    super(`${className} is not an aggregate: decorate it with @Aggregate('${className}') and extend AggregateRoot.`);
  }
}
