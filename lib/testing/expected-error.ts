import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { describeValue } from '../store/describe-value';
import { nameOf, showValue, withArticle } from './failure-text';

/** A class of errors, abstract ones included: `thenError(OrderRuleError)`. */
export type ErrorClass<E extends Error = Error> = abstract new (...args: never[]) => E;

/** What a test expects a command to throw: an error of a class, with a message, or both. */
export interface ExpectedError {
  readonly errorClass?: ErrorClass;
  /** Text the message contains, or a pattern it matches. */
  readonly message?: string | RegExp;
}

/**
 * Reads `thenError`'s arguments: a class and perhaps a message, or a message alone.
 *
 * @throws {@link InvalidArgumentError} for anything else.
 */
export function expectedErrorOf(classOrMessage: ErrorClass | string | RegExp, message?: string | RegExp): ExpectedError {
  const isMessage = (value: unknown): value is string | RegExp => typeof value === 'string' || value instanceof RegExp;
  if (typeof classOrMessage === 'function' && (message === undefined || isMessage(message))) return { errorClass: classOrMessage, message };
  if (isMessage(classOrMessage) && message === undefined) return { message: classOrMessage };
  throw new InvalidArgumentError(
    'thenError arguments',
    `expected an error class, a message (text or RegExp), or a class and a message, e.g. thenError(RangeError, /negative/); got ${describeValue(classOrMessage)}` +
      `${message === undefined ? '' : ` and ${describeValue(message)}`}.`,
  );
}

/**
 * The expected error in words, e.g. `an OrderRuleError with a message matching /exceeds/`.
 *
 * @example
 * ```ts
 * describeExpectedError({ message: 'sold out' }); // "an error with a message containing 'sold out'"
 * ```
 */
export function describeExpectedError({ errorClass, message }: ExpectedError): string {
  const kind = errorClass ? withArticle(errorClass.name) : 'an error';
  if (message === undefined) return kind;
  return `${kind} with a message ${typeof message === 'string' ? `containing ${showValue(message)}` : `matching ${String(message)}`}`;
}

/**
 * Why `thrown` is not the expected error, completing "the command threw ...", or `undefined`
 * when it is.
 *
 * @example
 * ```ts
 * errorMismatch({ errorClass: RangeError }, new TypeError('bad')); // "a TypeError: bad"
 * ```
 */
export function errorMismatch({ errorClass, message }: ExpectedError, thrown: unknown): string | undefined {
  if (!(thrown instanceof Error)) return `${showValue(thrown)}, which is not an Error`;
  const found = `${withArticle(nameOf(thrown))}: ${thrown.message}`;
  if (errorClass && !(thrown instanceof errorClass)) return found;
  if (message === undefined) return undefined;
  const matches = typeof message === 'string' ? thrown.message.includes(message) : new RegExp(message.source, message.flags.replace(/[gy]/g, '')).test(thrown.message);
  return matches ? undefined : found;
}
