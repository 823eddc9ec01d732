import { InvalidArgumentError } from '../errors/invalid-argument-error';

/** The highest version a stream can reach: versions are 32-bit integers in the database. */
export const MAX_STREAM_VERSION = 2 ** 31 - 1;

/** Expected version meaning "the stream must not exist yet". Same as expecting version 0. */
export const NO_STREAM = 'no-stream';
/** Expected version meaning "append whatever the stream's version is" (no concurrency check). */
export const ANY_VERSION = 'any';
/**
 * Expected version meaning "the stream must already have events, at whatever version": append
 * only to a stream that exists, without reading its version first.
 */
export const STREAM_EXISTS = 'stream-exists';

/**
 * What a writer believes a stream's version to be when it appends: the version of its last
 * event (a number; 0 and {@link NO_STREAM} both mean "no events yet"), {@link STREAM_EXISTS}
 * for "some events, whatever the version", or {@link ANY_VERSION} to skip the check. Versions
 * count events: the first event of a stream is version 1.
 *
 * @example
 * ```ts
 * await store.append(stream, [placed], { expectedVersion: NO_STREAM });
 * await store.append(stream, [filled], { expectedVersion: 1 });
 * await store.append(stream, [new OrderCancelled()], { expectedVersion: STREAM_EXISTS });
 * ```
 */
export type ExpectedVersion = number | typeof NO_STREAM | typeof STREAM_EXISTS | typeof ANY_VERSION;

/** Throws {@link InvalidArgumentError} unless `expected` is a valid {@link ExpectedVersion}. */
export function assertExpectedVersion(expected: unknown, argument = 'expectedVersion'): asserts expected is ExpectedVersion {
  if (expected === NO_STREAM || expected === STREAM_EXISTS || expected === ANY_VERSION) return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0 && expected <= MAX_STREAM_VERSION) return;
  throw new InvalidArgumentError(
    argument,
    `expected a whole number >= 0, '${NO_STREAM}', '${STREAM_EXISTS}' or '${ANY_VERSION}', got ${typeof expected === 'string' ? `'${expected}'` : String(expected)}.`,
  );
}

/** Tells whether a stream at version `actual` (0 when it has no events) satisfies `expected`. */
export function matchesExpectedVersion(expected: ExpectedVersion, actual: number): boolean {
  if (expected === ANY_VERSION) return true;
  if (expected === NO_STREAM) return actual === 0;
  if (expected === STREAM_EXISTS) return actual > 0;
  return expected === actual;
}

/**
 * Tells whether `expected` accepts a stream at more than one version, so that an append that lost
 * the race for a version to another writer is not the caller's conflict and may simply try again:
 * {@link ANY_VERSION}, and {@link STREAM_EXISTS} (a stream that has events keeps them).
 */
export function acceptsAnyVersionOf(expected: ExpectedVersion): boolean {
  return expected === ANY_VERSION || expected === STREAM_EXISTS;
}
