import { AssertionError } from 'node:assert';

/** What a failed expectation reports besides its message. */
export interface FailureDetails {
  /** What the test expected, for runners that show a diff of `expected` and `actual`. */
  readonly expected?: unknown;
  /** What happened instead. */
  readonly actual?: unknown;
  /** An error the code under test threw, kept with its stack. */
  readonly cause?: unknown;
}

/**
 * The error a failed expectation throws: Node's `AssertionError`, which mocha, `node:test` and
 * vitest all recognise as a failed assertion (rather than a crash), showing a diff when it
 * carries `expected` and `actual`.
 *
 * @example
 * ```ts
 * throw assertionFailure(`Order 'o-1' threw instead of raising events`, { cause: error });
 * ```
 */
export function assertionFailure(message: string, details: FailureDetails = {}): AssertionError {
  const failure = new AssertionError({ message, expected: details.expected, actual: details.actual });
  // AssertionError takes no `cause` option; set it as Error's own constructor would.
  if ('cause' in details) Object.defineProperty(failure, 'cause', { value: details.cause, writable: true, configurable: true, enumerable: false });
  return failure;
}

/**
 * Runs `check`, and starts the stack of an `AssertionError` it throws at the caller of `entry`
 * (the public check the test called), so that a runner points at the line of the test rather
 * than into the fixture's code. A public check passes itself as `entry`:
 * `reportedFrom(this.thenEvents, () => this.checkEvents(expected))`.
 */
export function reportedFrom<T>(entry: Function, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof AssertionError) Error.captureStackTrace(error, entry);
    throw error;
  }
}
