import type { Kysely } from 'kysely';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventStore } from '../event-store/event-store';
import { describeValue } from '../store/describe-value';
import { optionsObject } from '../store/options-object';
import { Dispatcher } from '../subscriptions/dispatcher';
import type { DispatcherOptions } from '../subscriptions/dispatcher-options';
import { readSubscriberMetadata } from '../subscriptions/subscriber.decorators';
import { SubscriberRun } from './subscriber-run';
import { testStore, type TestStoreOptions } from './test-store';

/**
 * The subscribers a {@link subscriberFixture} runs: one `@Projection` or `@EventHandler`
 * instance, several, or a function that makes them from the store (for a handler that needs it).
 */
export type SubscribersUnderTest = object | readonly object[] | ((store: EventStore) => object | readonly object[]);

/** Options of {@link subscriberFixture}. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the read model's schema is the test's, as in SubscriberRun
export interface SubscriberFixtureOptions<DB = any> {
  /** Runs on the new store before the subscribers start: create the read model's tables here. */
  setup?: (db: Kysely<DB>, store: EventStore) => void | Promise<void>;
  /** Options of the store, such as event classes to register up front. */
  store?: TestStoreOptions;
  /** Options of the dispatcher. Its failure reports go to `console` unless `logger` says otherwise. */
  dispatcher?: DispatcherOptions;
}

/**
 * Starts subscribers on a store of their own, through the same `Dispatcher` an application runs,
 * so that a test can append events and look at what the subscribers did: the read model of a
 * projection, the dead letters, the fakes a handler was given.
 *
 * @example
 * ```ts
 * import { subscriberFixture } from 'eventfold/testing';
 *
 * const run = await subscriberFixture(new OrderStatus(), {
 *   setup: (db) => db.schema.createTable('order_status').addColumn('id', 'text').addColumn('status', 'text').execute(),
 * });
 * await run.given({ type: 'Order', id: 'o-1' }, new OrderPlaced('keyboard'), new OrderShipped('post'));
 * console.log(await run.db.selectFrom('order_status').selectAll().execute()); // [{ id: 'o-1', status: 'shipped' }]
 * await run.close();
 * ```
 * @throws {@link UnregisteredSubscriberError} for an object that is not a subscriber; nothing is
 * left running then.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the read model's schema is the test's, as in SubscriberRun
export async function subscriberFixture<DB = any>(subscribers: SubscribersUnderTest, options?: SubscriberFixtureOptions<DB>): Promise<SubscriberRun<DB>> {
  const { setup, store: storeOptions, dispatcher: dispatcherOptions } = optionsObject(options);
  if (setup !== undefined && typeof setup !== 'function') {
    throw new InvalidArgumentError('options.setup', `expected a function (db, store) => Promise, got ${describeValue(setup)}.`);
  }
  if (typeof subscribers === 'function' && readSubscriberMetadata(subscribers) !== undefined) {
    throw new InvalidArgumentError('subscribers', `expected instances, got the class ${subscribers.name}: pass new ${subscribers.name}(...).`);
  }
  const store = await testStore(storeOptions);
  try {
    await setup?.(store.db, store);
    const made = typeof subscribers === 'function' ? subscribers(store) : subscribers;
    const list: readonly object[] = Array.isArray(made) ? made : [made];
    return new SubscriberRun<DB>(store, await Dispatcher.start(store, list, dispatcherOptions));
  } catch (error) {
    await store.close();
    throw error;
  }
}
