import { InvalidArgumentError } from '../errors/invalid-argument-error';

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

/** Throws {@link InvalidArgumentError} unless `stream` names a stream. */
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
}
