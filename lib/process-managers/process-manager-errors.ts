import { EventfoldError } from '../errors/eventfold-error';

/**
 * An event handled by a process manager gave no usable correlation key: the field the process
 * manager names is missing from it, or the key function returned something other than a non-empty
 * string or `undefined`. The step fails, and the event is retried and then parked like any
 * failing event.
 */
export class CorrelationKeyError extends EventfoldError {
  readonly code = 'EVENTFOLD_CORRELATION_KEY';

  constructor(
    /** The process manager. */
    readonly processManager: string,
    /** The event's type. */
    readonly eventType: string,
    problem: string,
  ) {
    super(
      `Process manager '${processManager}' found no instance key in a ${eventType} event: ${problem} ` +
        'Give the event that field, or pass a correlationKey function that reads the key from each event (returning undefined for events to pass by).',
    );
  }
}

/**
 * A process manager cannot be rebuilt or reset: its steps saved aggregates, published events and
 * scheduled deadlines, and replaying its events would do all of that again (cancel orders twice,
 * sell twice). Its instances are its state; to change how they behave, change the class and let
 * running instances carry on, or end them with a step.
 */
export class ProcessManagerReplayError extends EventfoldError {
  readonly code = 'EVENTFOLD_PROCESS_MANAGER_REPLAY';

  constructor(
    /** The process manager. */
    readonly processManager: string,
    /** What was asked: `'rebuild'` or `'reset'`. */
    readonly operation: 'rebuild' | 'reset',
  ) {
    super(
      `'${processManager}' is a process manager and cannot be ${operation === 'rebuild' ? 'rebuilt' : 'reset'}: replaying its events would repeat ` +
        'the commands, events and deadlines its steps already committed. List its instances with `eventfold processes list ' +
        `${processManager}\`, and change what running instances do by changing the class.`,
    );
  }
}

/**
 * A process manager's step used the store itself (one captured outside, not `process.store`):
 * the store would wait for the step's own transaction, which waits for the step. The step fails
 * instead of hanging; use `process.store` and `process.db`, which go through the step's transaction.
 */
export class StoreUsedInStepError extends EventfoldError {
  readonly code = 'EVENTFOLD_STORE_USED_IN_STEP';

  constructor(
    /** The process manager whose step did it. */
    readonly processManager: string,
    /** What the step tried, as `append events`. */
    readonly operation: string,
  ) {
    super(
      `A step of process manager '${processManager}' tried to ${operation} through the store itself, which would wait for the step's own transaction forever. ` +
        "Inside a step, use process.store (repositories, append, publish, reads) and process.db: they go through the step's transaction.",
    );
  }
}

/** A deadline fell due for which the process manager has no `@OnDeadline` method. */
export class UnknownDeadlineError extends EventfoldError {
  readonly code = 'EVENTFOLD_UNKNOWN_DEADLINE';

  constructor(
    /** The process manager. */
    readonly processManager: string,
    /** The deadline's name. */
    readonly deadline: string,
    /** The deadlines it has methods for. */
    readonly known: readonly string[],
  ) {
    super(
      `Process manager '${processManager}' has no @OnDeadline('${deadline}') method, so the deadline cannot be delivered` +
        `${known.length > 0 ? ` (it has: ${known.join(', ')})` : ''}. Add the method, or cancel the deadline where it is scheduled.`,
    );
  }
}
