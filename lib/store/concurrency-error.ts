import { EventfoldError } from '../errors/eventfold-error';
import type { ExpectedVersion } from './expected-version';
import type { StreamRef } from './stream-ref';

/**
 * An append expected a stream at one version but found it at another: someone else wrote to it
 * first. Nothing of the failed append was written. Reload the aggregate (or re-read the stream),
 * decide again, and retry.
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
    /** The version the writer expected. */
    readonly expected: ExpectedVersion,
    /** The version the stream actually had (0 when it had no events). */
    readonly actual: number,
  ) {
    super(
      `Stream ${stream.type}/${stream.id} is at version ${actual}, but the append expected ${describeExpected(expected)}. ` +
        'Another writer got there first and nothing was written: reload the stream, decide again and retry.',
    );
  }
}

function describeExpected(expected: ExpectedVersion): string {
  if (expected === 'no-stream' || expected === 0) return 'no stream yet';
  return `version ${String(expected)}`;
}
