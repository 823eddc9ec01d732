import { inspect } from 'node:util';
import { findDifferences } from './value-differences';

/** Lines of differences listed before the rest are only counted, so that a message stays readable. */
const MAX_LISTED_DIFFERENCES = 20;

/**
 * A value as failure messages show it: on one line, with class names (`OrderShipped { carrier:
 * 'post' }`), strings quoted and long parts cut short.
 *
 * @example
 * ```ts
 * showValue(new Money(5, 'KRW')); // "Money { amount: 5, currency: 'KRW' }"
 * ```
 */
export function showValue(value: unknown): string {
  return inspect(value, { depth: 4, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 200 });
}

/**
 * A numbered list of events, one a line, indented under a heading; `none` when there are none.
 *
 * @example
 * ```ts
 * listEvents('Raised', [new OrderShipped('post')]); // "Raised:\n  1. OrderShipped { carrier: 'post' }"
 * ```
 */
export function listEvents(heading: string, events: readonly object[]): string {
  if (events.length === 0) return `${heading}: none`;
  return [`${heading}:`, ...events.map((event, index) => `  ${index + 1}. ${showValue(event)}`)].join('\n');
}

/**
 * What differs between the events a test expected and those it got, one line per difference:
 * the event by its place (from 1) and class, the payload field by its path, and both values.
 * Empty when the events are equal, class and payload.
 *
 * @example
 * ```ts
 * describeEventDifferences([new OrderShipped('post')], [new OrderShipped('courier')]);
 * // ["event 1, OrderShipped.carrier: expected 'post', got 'courier'"]
 * ```
 */
export function describeEventDifferences(expected: readonly object[], actual: readonly object[]): string[] {
  const lines: string[] = [];
  for (let index = 0; index < Math.max(expected.length, actual.length); index++) {
    const [wanted, got] = [expected[index], actual[index]];
    const place = `event ${index + 1}`;
    if (wanted === undefined) lines.push(`${place}: expected no more events, got ${nameOf(got)}`);
    else if (got === undefined) lines.push(`${place}: expected ${nameOf(wanted)}, got no event`);
    else if (Object.getPrototypeOf(wanted) !== Object.getPrototypeOf(got)) lines.push(`${place}: expected ${nameOf(wanted)}, got ${nameOf(got)}`);
    else {
      for (const { path, expected: value, actual: found } of findDifferences(wanted, got)) {
        const field = path === '' || path.startsWith('[') ? `${nameOf(wanted)}${path}` : `${nameOf(wanted)}.${path}`;
        lines.push(`${place}, ${field}: expected ${showValue(value)}, got ${showValue(found)}`);
      }
    }
  }
  if (lines.length <= MAX_LISTED_DIFFERENCES) return lines;
  return [...lines.slice(0, MAX_LISTED_DIFFERENCES), `... and ${lines.length - MAX_LISTED_DIFFERENCES} more differences`];
}

/**
 * An event's class name, or what the value is when it is no class instance.
 *
 * @example
 * ```ts
 * nameOf(new OrderShipped('post')); // 'OrderShipped'
 * nameOf({ carrier: 'post' }); // "a plain object { carrier: 'post' }"
 * ```
 */
export function nameOf(event: unknown): string {
  if (typeof event !== 'object' || event === null) return showValue(event);
  const prototype = Object.getPrototypeOf(event);
  if (prototype === null || prototype === Object.prototype) return `a plain object ${showValue(event)}`;
  return (event.constructor as Function | undefined)?.name || 'an object of an unnamed class';
}

/**
 * A class name with its article, for sentences about errors and events.
 *
 * @example
 * ```ts
 * withArticle('OrderRuleError'); // 'an OrderRuleError'
 * withArticle('RangeError'); // 'a RangeError'
 * ```
 */
export function withArticle(name: string): string {
  return `${/^[AEIOU]/i.test(name) ? 'an' : 'a'} ${name}`;
}
