import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { findUnstorableCharacter } from '../events/storable-text';

/**
 * Names one stream: the kind of thing it records (`type`, e.g. `'Order'`) and which one (`id`).
 * Streams of different types never collide, so an Order and a Position may share an id.
 *
 * @example
 * ```ts
 * const stream: StreamRef = { type: 'Order', id: 'o-1' };
 * ```
 */
export interface StreamRef {
  readonly type: string;
  readonly id: string;
}

const MAX_NAME_LENGTH = 1000;

/**
 * Throws {@link InvalidArgumentError} unless `stream` names a stream: a type and an id that are
 * non-empty strings of at most 1000 characters, without NUL and without unpaired surrogates.
 *
 * A stream's name is its identity, so it must be stored exactly. PostgreSQL cannot store NUL in
 * text, and it stores an unpaired surrogate as U+FFFD, so `'x\ud800'` and `'x\udc00'` would
 * name one stream; SQLite keeps them apart but reads them back as other text. Both are refused
 * on every backend, before the database is asked.
 */
export function assertStreamRef(stream: unknown, argument = 'stream'): asserts stream is StreamRef {
  if (typeof stream !== 'object' || stream === null) {
    throw new InvalidArgumentError(argument, "expected { type, id }, e.g. { type: 'Order', id: 'o-1' }.");
  }
  const { type, id } = stream as Record<string, unknown>;
  assertName(type, `${argument}.type`);
  assertName(id, `${argument}.id`);
}

function assertName(value: unknown, argument: string): void {
  if (typeof value !== 'string') throw new InvalidArgumentError(argument, `expected a string, got ${value === null ? 'null' : typeof value}.`);
  if (value.length === 0) throw new InvalidArgumentError(argument, 'must not be empty.');
  if (value.length > MAX_NAME_LENGTH) throw new InvalidArgumentError(argument, `must be at most ${MAX_NAME_LENGTH} characters, got ${value.length}.`);
  const unstorable = findUnstorableCharacter(value);
  if (unstorable) {
    throw new InvalidArgumentError(
      argument,
      `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} ${unstorable.problem}. A stream is known by its exact name, so ${unstorable.remedy}.`,
    );
  }
}
