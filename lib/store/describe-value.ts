/**
 * How a wrong argument is shown in an error message: short strings and numbers as they are,
 * anything else by its kind (`null`, `an array`, `a Map`, `an invalid Date`), so that a message
 * never dumps a large value or fails to print one.
 *
 * @example
 * ```ts
 * throw new InvalidArgumentError('options.at', `expected a valid Date, got ${describeValue(at)}.`);
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return value.name ? `the function ${value.name}` : 'a function';
    case 'object': {
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : 'a Date';
      const name = value.constructor?.name;
      return name && name !== 'Object' ? `a ${name}` : 'an object';
    }
    default:
      return `a ${typeof value}`;
  }
}
