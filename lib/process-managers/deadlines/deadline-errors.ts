import { EventfoldError } from '../../errors/eventfold-error';

/**
 * A deadline's delivery took longer than its process manager's `retry.timeoutMs`. Its signal was
 * aborted; the attempt counts as failed once the delivery gave up (the transaction it ran in is
 * not rolled back while it still runs).
 *
 * @example
 * ```ts
 * const error = new DeadlineTimeoutError("deadline 'expire' of order-expiry 'o-1'", 30_000);
 * console.log(error.code); // EVENTFOLD_DEADLINE_TIMEOUT
 * ```
 */
export class DeadlineTimeoutError extends EventfoldError {
  readonly code = 'EVENTFOLD_DEADLINE_TIMEOUT';

  constructor(
    /** The deadline, as `deadline 'expire' of order-expiry 'o-1'`. */
    readonly deadline: string,
    readonly timeoutMs: number,
  ) {
    super(`The delivery of ${deadline} took longer than ${timeoutMs} ms; raise retry.timeoutMs of its process manager if that is expected.`);
  }
}

/**
 * A deadline failed its last attempt: it is kept with status `'failed'` and never delivered
 * again. The failure of the last attempt is the `cause`.
 *
 * @example
 * ```ts
 * const error = new DeadlineFailedError("deadline 'expire' of order-expiry 'o-1'", 5, { cause: new Error('exchange down') });
 * console.log(error.attempts); // 5
 * ```
 */
export class DeadlineFailedError extends EventfoldError {
  readonly code = 'EVENTFOLD_DEADLINE_FAILED';

  constructor(
    /** The deadline, as `deadline 'expire' of order-expiry 'o-1'`. */
    readonly deadline: string,
    /** Failed deliveries in all. */
    readonly attempts: number,
    options: { cause: unknown },
  ) {
    super(
      `The delivery of ${deadline} failed ${attempts} time(s) and will not be tried again: ${messageOf(options.cause)}. ` +
        'Fix the cause, then schedule the deadline again (it is kept with status failed until then).',
      options,
    );
  }
}

/** The message of what a delivery threw, for errors and the deadline's `last_error`. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
