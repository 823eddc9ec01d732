import { EventfoldError } from '../../errors/eventfold-error';

/** `rebuild` was asked for a projection the config's subscribers do not include. */
export class UnknownProjectionError extends EventfoldError {
  readonly code = 'EVENTFOLD_CLI_UNKNOWN_PROJECTION';

  constructor(
    /** The name asked for. */
    readonly projection: string,
    /** The names of the config's projections. */
    readonly known: readonly string[],
  ) {
    super(
      known.length === 0
        ? `Unknown projection '${projection}': the config's subscribers include no projections. List them in subscribers: (store) => [...] in the eventfold config.`
        : `Unknown projection '${projection}'. Known projections: ${known.join(', ')}.`,
    );
  }
}

/** `rebuild` was asked for an event handler: handlers have side effects and no read model to rebuild. */
export class NotAProjectionError extends EventfoldError {
  readonly code = 'EVENTFOLD_CLI_NOT_A_PROJECTION';

  constructor(
    /** The handler's name. */
    readonly subscriber: string,
    /** The names of the config's projections. */
    readonly known: readonly string[],
  ) {
    super(`'${subscriber}' is an event handler, and only projections can be rebuilt. Known projections: ${known.length ? known.join(', ') : '(none)'}.`);
  }
}

/**
 * A command that changes what a subscriber does next (`subscribers reset`) was run without
 * `--yes` where it cannot ask: its input is not a terminal (a script, a pipe, CI).
 */
export class ConfirmationRequiredError extends EventfoldError {
  readonly code = 'EVENTFOLD_CLI_CONFIRMATION_REQUIRED';

  constructor(
    /** What was to be done, e.g. `reset 'fill-notifier' to the beginning`. */
    readonly operation: string,
  ) {
    super(`Not done: ${operation} asks for confirmation, and the input is not a terminal to ask on. Pass --yes to do it without asking.`);
  }
}
