import type { EventStore } from '../event-store/event-store';

/**
 * What a process manager's step may do with the store: load and save aggregates, append, publish
 * and read. Everything goes through the step's transaction, so it commits with the instance's new
 * state and the process manager's checkpoint, or not at all.
 *
 * @example
 * ```ts
 * @ProcessManager('order-expiry')
 * class OrderExpiry {
 *   @OnDeadline('expire')
 *   async expire(_payload: unknown, process: ProcessContext) {
 *     await process.store.repository(Order).update(process.key, (order) => order.cancel(), { metadata: process.causation });
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as for EventStore: untyped code names any table
export type ProcessStore<DB = any> = Pick<EventStore<DB>, 'repository' | 'append' | 'publish' | 'readStream' | 'streamVersion' | 'streamState'>;
