import { instanceToPlain } from 'class-transformer';
import type { JsonValue } from '../events/event-metadata';

/**
 * An event, a state or any other value as plain JSON data: class instances become objects (with
 * their class-transformer decorators applied), Dates ISO strings and bigints decimal strings.
 *
 * @example
 * ```ts
 * toJsonValue(new OrderFilled(1, new Money(1000, 'KRW'))); // { volume: 1, price: { amount: 1000, currency: 'KRW' } }
 * ```
 */
export function toJsonValue(value: unknown): JsonValue {
  const plain = typeof value === 'object' && value !== null ? instanceToPlain(value) : value;
  return JSON.parse(jsonText(plain)) as JsonValue;
}

/** `JSON.stringify` that writes bigints as decimal strings instead of throwing, and `null` for nothing. */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_key, field: unknown) => (typeof field === 'bigint' ? field.toString() : field), indent) ?? 'null';
}
