import type { RecordedEvent } from '../store/recorded-event';
import type { SubscriberOptions } from '../subscriptions/subscriber-options';

/**
 * How an event finds the instance it belongs to: the name of a field that every event the process
 * manager handles carries (`'orderId'`), or a function of the event that returns the key, or
 * `undefined` to let the event pass by. Defaults to the id of the event's stream.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the events are the application's classes; a function over them reads their fields
export type CorrelationKey = string | ((event: any, recorded: RecordedEvent) => string | undefined);

/**
 * What becomes of an instance that ends (`context.end()`):
 * - `'delete'` (the default): its row is removed with its pending deadlines; a later event with
 *   the same key finds no instance and may start a new one.
 * - `'keep'`: its row stays, marked ended, with its last state, for the operator to look at; later
 *   events with its key are not delivered to it.
 */
export type EndedInstances = 'delete' | 'keep';

/** The most events a process manager handles in one transaction unless its `batchSize` says otherwise. */
export const DEFAULT_PROCESS_BATCH_SIZE = 10;

/**
 * Options of `@ProcessManager`. Unlike other subscribers, a process manager starts from the head of
 * the log (`startFrom: 'now'`) when it first runs, so that a new one does not act on history
 * (cancel last year's orders); give `startFrom: 'beginning'` to have it do so. It is delivered events exactly as a projection is,
 * in transactions that also hold its checkpoint, and parks an event that fails every retry
 * (`onFailure: 'park'`) so that one broken instance does not stop the others. It cannot be split
 * into segments: two segments could step one instance at once, out of order.
 */
export interface ProcessManagerOptions extends Omit<SubscriberOptions, 'segments' | 'concurrency'> {
  /** How an event finds its instance; see {@link CorrelationKey}. Defaults to the event's stream id. */
  correlationKey?: CorrelationKey;
  /** What becomes of ended instances; see {@link EndedInstances}. Defaults to `'delete'`. */
  ended?: EndedInstances;
  /**
   * The most events handled in one transaction, as for a projection. Defaults to
   * {@link DEFAULT_PROCESS_BATCH_SIZE}, smaller than a projection's: on PostgreSQL the appends of
   * the whole store wait while a process manager's transaction runs.
   */
  batchSize?: number;
}
