import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { describeValue } from './describe-value';

/**
 * The options object a public method was given, or `{}` when it was given none. Anything else
 * (`null`, a number, a string, an array) throws {@link InvalidArgumentError} naming `argument`,
 * rather than a `TypeError` from reading a field of it further down.
 *
 * @example
 * ```ts
 * const { expectedVersion, metadata } = optionsObject<AppendOptions>(options, 'options');
 * ```
 */
export function optionsObject<T extends object>(value: T | undefined, argument = 'options'): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(argument, `expected an options object or nothing, got ${describeValue(value)}.`);
  }
  return value;
}
