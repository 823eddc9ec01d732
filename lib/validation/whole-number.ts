import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { describeValue } from '../store/describe-value';

/** What else a whole number must be, besides at least 1. */
export interface WholeNumberRange {
  /** The largest number accepted, where there is one (a 32-bit column, a cap on a page). */
  readonly max?: number;
  /** What the number stands for, when the argument's name does not say: `a dead letter's id`. */
  readonly meaning?: string;
}

/**
 * Checks a count, size, version, position or id: a whole number from 1, up to `range.max` when
 * given. Returns it, or throws {@link InvalidArgumentError} naming the argument, the value
 * received and the numbers to pass instead. Whole means a safe integer: beyond 2^53 a number no
 * longer counts one by one.
 *
 * @example
 * ```ts
 * const pageSize = checkWholeNumber(options.pageSize, 'options.pageSize', { max: 10_000 });
 * // options.pageSize 0: InvalidArgumentError "Invalid options.pageSize: expected a whole number from 1 to 10000, got 0."
 * ```
 */
export function checkWholeNumber(value: unknown, argument: string, range: WholeNumberRange = {}): number {
  const { max, meaning } = range;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && (max === undefined || value <= max)) return value;
  const expected = max === undefined ? 'a whole number >= 1' : `a whole number from 1 to ${max}`;
  throw new InvalidArgumentError(argument, `expected ${meaning ? `${meaning}, ` : ''}${expected}, got ${describeValue(value)}.`);
}
