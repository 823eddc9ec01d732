import { formatPath, MAX_NESTING_DEPTH, type PathSegment } from '../events/exact-json';

/** One place where an actual value differs from the expected one. */
export interface Difference {
  /** Where, from the compared values: `price.amount`, `lines[2]`; empty for the values themselves. */
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

/**
 * Every place where `actual` differs from `expected`, compared as an event's payload is: by class
 * and by data, so that an event equals another when the log would store and read back the same.
 *
 * - Objects of different classes differ where they stand; their fields are not compared.
 * - Dates are equal when they name the same moment.
 * - Arrays, Maps and Sets are compared item by item, in order.
 * - Other objects are compared by their own enumerable fields. A missing field equals one set to
 *   `undefined`: JSON keeps neither, so the stored events could not tell them apart.
 * - Anything else is compared with `Object.is`, except that `0` equals `-0` (JSON writes both as 0).
 *
 * @example
 * ```ts
 * findDifferences(new Shipped('post', { city: 'Seoul' }), new Shipped('post', { city: 'Busan' }));
 * // [{ path: 'address.city', expected: 'Seoul', actual: 'Busan' }]
 * ```
 */
export function findDifferences(expected: unknown, actual: unknown): Difference[] {
  const differences: Difference[] = [];
  compare(expected, actual, [], differences);
  return differences;
}

function compare(expected: unknown, actual: unknown, path: PathSegment[], differences: Difference[]): void {
  const differ = () => differences.push({ path: formatPath(path), expected, actual });
  if (!isObject(expected) || !isObject(actual)) {
    if (!(Object.is(expected, actual) || (expected === 0 && actual === 0))) differ();
    return;
  }
  if (expected === actual) return;
  // Past this depth the values cannot be stored anyway (the codec refuses them); comparing by
  // identity keeps a cycle from recursing forever.
  if (!sameKind(expected, actual) || path.length > MAX_NESTING_DEPTH) return void differ();
  if (expected instanceof Date) {
    if (!Object.is(expected.getTime(), (actual as Date).getTime())) differ();
    return;
  }
  const [expectedItems, actualItems] = [itemsOf(expected), itemsOf(actual)];
  if (expectedItems && actualItems) {
    for (let index = 0; index < Math.max(expectedItems.length, actualItems.length); index++) {
      compareAt(index, expectedItems[index], actualItems[index], path, differences);
    }
    return;
  }
  const fields = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  for (const field of fields) compareAt(field, (expected as Record<string, unknown>)[field], (actual as Record<string, unknown>)[field], path, differences);
}

function compareAt(segment: PathSegment, expected: unknown, actual: unknown, path: PathSegment[], differences: Difference[]): void {
  path.push(segment);
  compare(expected, actual, path, differences);
  path.pop();
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** Same class; `{}` and `Object.create(null)` are both plain objects. */
function sameKind(expected: object, actual: object): boolean {
  const plain = (prototype: unknown) => prototype === null || prototype === Object.prototype;
  const [a, b] = [Object.getPrototypeOf(expected), Object.getPrototypeOf(actual)];
  return a === b || (plain(a) && plain(b));
}

/** The items of an array, a Map (as `[key, value]` pairs) or a Set; undefined for other objects. */
function itemsOf(value: object): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (value instanceof Map || value instanceof Set) return [...value];
  return undefined;
}
