import type { CommonStoreOptions } from '../store/event-store-options';
import { EventStore } from '../event-store/event-store';
import { optionsObject } from '../store/options-object';

/**
 * Options of {@link testStore}: those every store takes (the events and aggregates to register,
 * the page size), but not where the database is, nor `migrate`.
 */
export type TestStoreOptions = Omit<CommonStoreOptions, 'migrate'>;

/**
 * Opens an event store of its own for one test: an SQLite database in memory, with eventfold's
 * tables, that no other store sees and that vanishes when it is closed. Close it when the test
 * ends (in `afterEach`, say); a store left open keeps its dispatchers running.
 *
 * @example
 * ```ts
 * import { testStore } from 'eventfold/testing';
 *
 * const store = await testStore({ aggregates: [Order] });
 * await store.repository(Order).save(Order.place('o-1', 'keyboard'));
 * await store.close();
 * ```
 */
export async function testStore(options?: TestStoreOptions): Promise<EventStore> {
  return EventStore.open({ ...optionsObject(options), sqlite: ':memory:', migrate: true });
}
