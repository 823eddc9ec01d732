import type { EventfoldErrorCode, EventfoldErrorMap } from './eventfold-error-codes';

/**
 * Base class of every error eventfold throws.
 *
 * Each subclass carries a stable `code` (for example `EVENTFOLD_CONCURRENCY`) so that callers can
 * recognise an error even when two copies of the package are loaded and `instanceof` fails.
 *
 * @example
 * ```ts
 * try {
 *   await orders.save(order);
 * } catch (error) {
 *   if (isEventfoldError(error, 'EVENTFOLD_CONCURRENCY')) retry();
 *   else throw error;
 * }
 * ```
 */
export abstract class EventfoldError extends Error {
  /** Stable, machine-readable identifier of the kind of failure. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Tells whether `error` is an eventfold error, optionally of one `code`. Works across package
 * copies because it compares codes rather than classes. Given a code, it narrows `error` to that
 * code's class, so its fields can be read without a cast.
 *
 * @example
 * ```ts
 * if (isEventfoldError(error, 'EVENTFOLD_AGGREGATE_NOT_FOUND')) return undefined;
 * if (isEventfoldError(error, 'EVENTFOLD_CONCURRENCY')) console.log(error.stream, error.expected, error.actual);
 * ```
 */
export function isEventfoldError(error: unknown): error is EventfoldError;
export function isEventfoldError<Code extends EventfoldErrorCode>(error: unknown, code: Code): error is EventfoldErrorMap[Code];
export function isEventfoldError(error: unknown, code?: EventfoldErrorCode): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const found = (error as { code?: unknown }).code;
  if (typeof found !== 'string' || !found.startsWith('EVENTFOLD_')) return false;
  return code === undefined || found === code;
}
