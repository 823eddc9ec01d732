import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { describeValue } from './describe-value';

/**
 * The range of moments compared with `recorded_at` as they are. Outside it `toISOString` writes
 * a signed six-digit year (`+275760-09-13T…`), which SQLite, comparing text, sorts before every
 * stored time and PostgreSQL refuses to parse. No event is recorded before year 1 or after year
 * 9999, so a moment outside the range can be moved to its edge without changing any answer.
 */
const EARLIEST = new Date('0001-01-01T00:00:00.000Z').getTime();
const LATEST = new Date('9999-12-31T23:59:59.999Z').getTime();

/**
 * Throws {@link InvalidArgumentError} unless `at` is a `Date` that holds a time.
 *
 * @example
 * ```ts
 * checkPointInTime(new Date(Number.NaN), 'options.at'); // throws InvalidArgumentError
 * ```
 */
export function checkPointInTime(at: unknown, argument: string): Date {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new InvalidArgumentError(argument, `expected a valid Date, got ${describeValue(at)}.`);
  }
  return at;
}

/**
 * The `recorded_at` text to compare with to find what was recorded at or before `at`, or
 * `undefined` when `at` is before anything can have been recorded.
 *
 * @example
 * ```ts
 * recordedAtBound(new Date(8.64e15)); // '9999-12-31T23:59:59.999Z'
 * ```
 */
export function recordedAtBound(at: Date): string | undefined {
  const time = at.getTime();
  if (time < EARLIEST) return undefined;
  return new Date(Math.min(time, LATEST)).toISOString();
}
