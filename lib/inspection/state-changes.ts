import type { JsonValue } from '../events/event-metadata';

/** A field of an aggregate's state that one event changed. */
export interface StateChange {
  /** The field's name. */
  readonly field: string;
  /** `'changed'` in value, `'added'` (it was absent before) or `'removed'` (absent after). */
  readonly kind: 'changed' | 'added' | 'removed';
  /** The value before the event; absent when the field was added. */
  readonly before?: JsonValue;
  /** The value after the event; absent when the field was removed. */
  readonly after?: JsonValue;
}

/** A state as plain JSON fields. */
export type PlainState = Readonly<Record<string, JsonValue>>;

/**
 * The top-level fields whose value differs between two states, in the order of `after` (removed
 * fields last). Values are compared as JSON, so a nested object counts as changed when anything
 * inside it did.
 *
 * @example
 * ```ts
 * stateChanges({ status: 'open', filled: 0 }, { status: 'filled', filled: 2 });
 * // [{ field: 'status', kind: 'changed', before: 'open', after: 'filled' }, { field: 'filled', ... }]
 * ```
 */
export function stateChanges(before: PlainState, after: PlainState): StateChange[] {
  const changes: StateChange[] = [];
  for (const field of Object.keys(after)) {
    if (!(field in before)) changes.push({ field, kind: 'added', after: after[field] });
    else if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) {
      changes.push({ field, kind: 'changed', before: before[field], after: after[field] });
    }
  }
  for (const field of Object.keys(before)) {
    if (!(field in after)) changes.push({ field, kind: 'removed', before: before[field] });
  }
  return changes;
}
