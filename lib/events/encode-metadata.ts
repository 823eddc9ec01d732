import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventMetadata } from './event-metadata';
import { checkExactJson } from './exact-json';

/**
 * Serializes event metadata, refusing anything JSON would silently change or drop, by the same
 * rule as payloads ({@link checkExactJson}): functions, symbols, bigints, NaN, infinities and -0,
 * array holes, class instances (Dates included), NUL and unpaired surrogates in text, cycles and
 * nesting deeper than `MAX_NESTING_DEPTH`. Failing at append time is better than finding a
 * `null` in the log a year later, or a PostgreSQL error that SQLite would not have raised.
 */
export function encodeMetadata(metadata: EventMetadata | undefined, argument = 'metadata'): string {
  if (metadata === undefined) return '{}';
  if (!isPlainObject(metadata)) {
    throw new InvalidArgumentError(argument, 'expected a plain object of JSON values, e.g. { correlationId: "..." }.');
  }
  for (const field of ['correlationId', 'causationId'] as const) {
    const value = metadata[field];
    if (value !== undefined && typeof value !== 'string') {
      throw new InvalidArgumentError(`${argument}.${field}`, `expected a string, got ${typeof value}.`);
    }
  }
  checkExactJson(metadata, { mode: 'metadata', argument });
  return JSON.stringify(metadata);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
