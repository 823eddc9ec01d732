/** A promise with its resolve function at hand: a gate a spec opens, or a signal a handler gives. */
export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

/**
 * Makes a {@link Deferred}.
 *
 * @example
 * ```ts
 * const gate = deferred();
 * // in a handler: await gate.promise;
 * gate.resolve();
 * ```
 */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}
