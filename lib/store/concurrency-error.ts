import { EventfoldError } from '../errors/eventfold-error';
import { NO_STREAM, STREAM_EXISTS, type ExpectedVersion } from './expected-version';
import type { StreamRef } from './stream-ref';

/**
 * An append expected a stream at one version but found it at another: someone else wrote to it
 * first. Nothing of the failed append was written. Reload the aggregate (or re-read the stream),
 * decide again, and retry: `repository.update` does that for you, and throws this error only when
 * every attempt it was allowed met a conflict, with `attempts` saying how many there were.
 *
 * @example
 * ```ts
 * try {
 *   await orders.save(order);
 * } catch (error) {
 *   if (error instanceof ConcurrencyError) return retryCommand();
 *   throw error;
 * }
 * ```
 */
export class ConcurrencyError extends EventfoldError {
  readonly code = 'EVENTFOLD_CONCURRENCY';

  constructor(
    /** The stream that was written to concurrently. */
    readonly stream: StreamRef,
    /** The version the writer expected (on its last attempt, after retries). */
    readonly expected: ExpectedVersion,
    /**
     * The version the stream actually had (0 when it had no events); -1 when it is not known (an
     * append inside a process manager's step that lost a race, after which nothing can be read).
     */
    readonly actual: number,
    /**
     * How many times the command was decided and its append tried, each meeting a conflict: 1 for
     * a plain append or save, more when `repository.update` retried before giving up.
     */
    readonly attempts = 1,
  ) {
    super(
      actual < 0
        ? `Another writer appended to stream ${stream.type}/${stream.id} at the same time, while the append expected ${describeExpected(expected)}. ${whatToDo(attempts)}`
        : `Stream ${stream.type}/${stream.id} is at version ${actual}, but the append expected ${describeExpected(expected)}. ${whatToDo(attempts)}`,
    );
  }
}

function whatToDo(attempts: number): string {
  if (attempts <= 1) return 'Another writer got there first and nothing was written: reload the stream, decide again and retry.';
  return (
    `Other writers got there first on each of ${attempts} attempts, and nothing of the command was written. ` +
    'Allow more retries or a longer backoff, or spread the writes over more streams if one is this busy.'
  );
}

function describeExpected(expected: ExpectedVersion): string {
  if (expected === NO_STREAM || expected === 0) return 'no stream yet';
  if (expected === STREAM_EXISTS) return 'an existing stream';
  return `version ${String(expected)}`;
}
