import { EventfoldError } from './eventfold-error';

/**
 * A public entry point was called with an argument it cannot accept (an empty stream id, a
 * non-integer version, a page size of zero, ...). `argument` names the offending parameter.
 *
 * @example
 * ```ts
 * await store.append({ type: 'Order', id: '' }, [event]); // throws InvalidArgumentError
 * ```
 */
export class InvalidArgumentError extends EventfoldError {
  readonly code = 'EVENTFOLD_INVALID_ARGUMENT';

  constructor(
    /** The parameter (or option path) that was wrong, e.g. `stream.id`. */
    readonly argument: string,
    message: string,
  ) {
    super(`Invalid ${argument}: ${message}`);
  }
}
