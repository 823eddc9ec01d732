import type { RetryOptions } from './retry-policy';
import type { StartPosition } from './start-position';

/** What a subscriber does with an event that failed its last attempt. */
export type FailureMode = 'park' | 'halt';

/** Options shared by `@EventHandler` and `@Projection`. */
export interface SubscriberOptions {
  /** Higher runs first: of two subscribers, the higher-priority one receives each live event first. Defaults to 0. */
  priority?: number;
  /** Events of different streams handled at once. Events of one stream are always handled in order. Defaults to 1. */
  concurrency?: number;
  /** Retry policy for failing events. */
  retry?: RetryOptions;
  /**
   * After the last attempt the event goes to the dead letters, and then the subscriber either
   * moves on (`'park'`) or stops and reports itself halted (`'halt'`).
   */
  onFailure?: FailureMode;
  /**
   * How many times an event may stop the process while it is being handled (a crash, an
   * out-of-memory kill, `process.exit` in a library) before it is treated like an event that
   * failed every retry: parked as a dead letter, or the subscriber halts on it, as `onFailure`
   * says. Counted across restarts. Defaults to 3.
   */
  maxCrashes?: number;
  /**
   * Where a subscriber with no checkpoint yet starts: `'beginning'`, the first event of the log;
   * `'now'`, the head of the log when it first starts; `{ position: n }`, the event at position
   * `n` (included); `{ time: date }`, the first event recorded at or after `date`. Defaults to
   * `'beginning'`. A stored checkpoint always wins: once the subscriber has run, it carries on
   * from where it stopped, whatever this says.
   */
  startFrom?: StartPosition;
  /**
   * Live events held in memory for the subscriber before it reads from the log instead. Defaults
   * to 10000: ten appends of 1000 events a projection may fall behind by and still take them from
   * memory, without reading and decoding them again.
   */
  bufferSize?: number;
  /**
   * Splits the subscriber by stream into this many segments, each with its own checkpoint and
   * lease, so that several processes share its work while each stream's events stay in order
   * (they all go to one segment). 1, the default, keeps it whole. See "Segments" in the
   * subscriptions guide for changing the number later.
   */
  segments?: number;
}

/** Options of `@EventHandler`. Handlers default to `onFailure: 'park'`. */
export type EventHandlerOptions = SubscriberOptions;

/** The most events a projection handles in one transaction unless its `batchSize` says otherwise. */
export const DEFAULT_PROJECTION_BATCH_SIZE = 1000;

/** Options of `@Projection`. Projections default to `onFailure: 'halt'`. */
export interface ProjectionOptions extends SubscriberOptions {
  /**
   * The most events handled in one transaction. A transaction takes every event that is ready
   * when it starts, up to this many: while live that is usually one or a few, so nothing waits
   * for a batch to fill; while catching up it is this many, which is what makes catching up
   * fast. 1 gives each event its own transaction. Defaults to
   * {@link DEFAULT_PROJECTION_BATCH_SIZE}.
   */
  batchSize?: number;
  /**
   * The read-model tables the projection writes (unqualified names, in the store's schema on
   * PostgreSQL). With them declared, `dispatcher.rebuild` builds fresh copies of these tables
   * while the application goes on reading the old ones, and swaps them in one transaction at the
   * end (blue/green); `reset(db)` is then not needed. Without them, a rebuild empties the read
   * model with `reset(db)` and the application sees it fill up again.
   */
  tables?: readonly string[];
}
