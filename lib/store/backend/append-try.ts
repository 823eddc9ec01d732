import type { ExpectedVersion } from '../expected-version';
import type { PreparedEvent } from '../prepare-events';
import type { StreamRef } from '../stream-ref';

/** One try of an append, as the store asks a backend to write it. */
export interface AppendTry {
  readonly stream: StreamRef;
  readonly expected: ExpectedVersion;
  /** Stored as versions after the stream's current one, in this order. */
  readonly events: readonly PreparedEvent[];
  /**
   * Hold the stream's lock until the commit: this try follows one that lost the race for a stream
   * version to another writer, so that appends piling onto one stream queue instead of failing
   * each other. Where appends hold the write lock anyway (SQLite), there is nothing more to do.
   */
  readonly lockStream: boolean;
}

/** Where an append's events were stored, and when. */
export interface InsertedEvents {
  /** One per event, in the order of the events. */
  readonly positions: readonly number[];
  readonly recordedAt: Date;
}

/** Where a committed try stored its events. */
export interface AppendOutcome extends InsertedEvents {
  /** The stream's version before the append. */
  readonly fromVersion: number;
}
