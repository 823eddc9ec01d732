import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventMetadata } from './event-metadata';

/**
 * Serializes event metadata, refusing anything JSON would silently change or drop: functions,
 * symbols, bigints, non-finite numbers, class instances (Dates included) and cycles. Failing at
 * append time is better than finding a `null` in the log a year later.
 */
export function encodeMetadata(metadata: EventMetadata | undefined, argument = 'metadata'): string {
  if (metadata === undefined) return '{}';
  if (!isPlainObject(metadata)) {
    throw new InvalidArgumentError(argument, 'expected a plain object of JSON values, e.g. { correlationId: "..." }.');
  }
  assertJsonValue(metadata, argument, new Set());
  for (const field of ['correlationId', 'causationId'] as const) {
    const value = metadata[field];
    if (value !== undefined && typeof value !== 'string') {
      throw new InvalidArgumentError(`${argument}.${field}`, `expected a string, got ${typeof value}.`);
    }
  }
  return JSON.stringify(metadata);
}

function assertJsonValue(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        throw new InvalidArgumentError(path, `${value} cannot be stored as JSON; use null or a string.`);
      }
      return;
    case 'object':
      break;
    default:
      throw new InvalidArgumentError(path, `a ${typeof value} cannot be stored as JSON metadata; convert it to a string, number, boolean, array or plain object.`);
  }
  if (value === null) return;
  if (ancestors.has(value)) throw new InvalidArgumentError(path, 'the value refers to itself (a cycle) and cannot be stored as JSON.');
  ancestors.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertJsonValue(item, `${path}[${index}]`, ancestors));
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) assertJsonValue(item, `${path}.${key}`, ancestors);
    }
  } else {
    const name = (value as object).constructor?.name ?? 'object';
    throw new InvalidArgumentError(path, `a ${name} instance cannot be stored as JSON metadata; convert it first (for a Date, use toISOString()).`);
  }
  ancestors.delete(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
