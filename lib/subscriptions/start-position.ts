import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { describeValue } from '../store/describe-value';
import { checkPointInTime } from '../store/point-in-time';
import { checkWholeNumber } from '../validation/whole-number';

/**
 * Where in the log a subscriber starts: the subscriber option `startFrom`, read when the
 * subscriber has no checkpoint yet, and where `SubscriberOperations.reset` moves a handler to.
 *
 * - `'beginning'`: the first event of the log.
 * - `'now'`: the head of the log: only events committed from then on are delivered.
 * - `{ position: n }`: the event at position `n` is the first delivered (`n` included).
 * - `{ time: date }`: the first event recorded at or after `date` is the first delivered.
 *
 * @example
 * ```ts
 * const since: StartPosition = { time: new Date('2026-01-01T00:00:00Z') };
 * ```
 */
export type StartPosition = 'beginning' | 'now' | { readonly position: number } | { readonly time: Date };

/**
 * Checks a {@link StartPosition} given as `argument` and returns a frozen copy, or throws
 * {@link InvalidArgumentError} saying what is accepted.
 *
 * @example
 * ```ts
 * checkStartPosition({ position: 0 }, 'options.to'); // throws: a position is a whole number >= 1
 * ```
 */
export function checkStartPosition(value: unknown, argument: string): StartPosition {
  if (value === 'beginning' || value === 'now') return value;
  const expected = "expected 'beginning', 'now', { position: n } or { time: date }";
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
    throw new InvalidArgumentError(argument, `${expected}, got ${describeValue(value)}.`);
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'position') {
    return Object.freeze({ position: checkWholeNumber((value as { position: unknown }).position, `${argument}.position`, { meaning: 'a position of the log' }) });
  }
  if (keys.length === 1 && keys[0] === 'time') {
    return Object.freeze({ time: new Date(checkPointInTime((value as { time: unknown }).time, `${argument}.time`).getTime()) });
  }
  throw new InvalidArgumentError(argument, `${expected} (one key), got an object with ${keys.length ? keys.map((key) => `'${key}'`).join(', ') : 'no keys'}.`);
}

/**
 * A start position in words, for messages: `the beginning`, `now`, `position 42`,
 * `2026-01-01T00:00:00.000Z`.
 *
 * @example
 * ```ts
 * describeStartPosition({ position: 42 }); // 'position 42'
 * ```
 */
export function describeStartPosition(start: StartPosition): string {
  if (start === 'beginning') return 'the beginning';
  if (start === 'now') return 'now';
  return 'position' in start ? `position ${start.position}` : start.time.toISOString();
}
