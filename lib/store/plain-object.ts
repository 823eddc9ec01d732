/**
 * Whether `value` is a plain object (made by `{}` or `Object.create(null)`), the only kind whose
 * fields can be spread or stored as JSON without losing what makes it what it is.
 *
 * @example
 * ```ts
 * isPlainObject({ correlationId: 'c-1' }); // true
 * isPlainObject([1, 2]); // false
 * isPlainObject(new Date()); // false
 * ```
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
