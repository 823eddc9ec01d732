import type { Kysely } from 'kysely';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventStore } from '../event-store/event-store';
import { describeValue } from '../store/describe-value';
import { optionsObject } from '../store/options-object';
import { bindSubscriber } from '../subscriptions/bound-subscriber';
import { readSubscriberMetadata } from '../subscriptions/subscriber.decorators';
import { ProcessManagerRun } from './process-manager-run';
import { ProcessTimeline } from './process-timeline';
import { testStore, type TestStoreOptions } from './test-store';

/** Options of {@link processManagerFixture}: those of {@link testStore}, and the clock's start. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the application's tables are the test's, as in SubscriberRun
export interface ProcessManagerFixtureOptions<DB = any> extends TestStoreOptions {
  /** The time the fixture's clock starts at: steps see it as `process.now`. Defaults to the time the fixture starts. */
  now?: Date;
  /** Runs on the new store before any step: create the tables the steps write through `process.db` here. */
  setup?: (db: Kysely<DB>, store: EventStore) => void | Promise<void>;
}

/**
 * Starts a test of a process manager on a store of its own, with a clock that moves only when the
 * test moves it: `given` events (each one's step runs through the process manager's real step
 * code, in its own transaction), then look at the instances' state, their deadlines, and what the
 * steps appended; `advanceBy` or `advanceTo` to deliver the deadlines that fall due meanwhile.
 *
 * @example
 * ```ts
 * import { processManagerFixture } from 'eventfold/testing';
 *
 * const run = await processManagerFixture(new OrderExpiry(), { aggregates: [Order], now: new Date('2026-03-02T09:00:00Z') });
 * await run.given({ type: 'Order', id: 'o-1' }, new OrderPlaced('o-1', 'KRW-BTC'));
 * await run.thenState('o-1', { market: 'KRW-BTC' });
 * await run.thenDeadlines('o-1', { name: 'expire', dueAt: new Date('2026-03-02T09:00:30Z') });
 * await run.advanceBy(30_000);
 * run.thenAppended(new OrderCancelled('expired'));
 * await run.thenEnded('o-1');
 * await run.close();
 * ```
 * @throws {@link InvalidArgumentError} for an object that is not a `@ProcessManager` instance, or
 * options that are none; nothing is left open then.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as for ProcessContext: the state is the test's, and untyped code names any table
export async function processManagerFixture<State extends object = Record<string, unknown>, DB = any>(
  processManager: object,
  options?: ProcessManagerFixtureOptions<DB>,
): Promise<ProcessManagerRun<State, DB>> {
  const { now = new Date(), setup, ...storeOptions } = optionsObject(options);
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new InvalidArgumentError('options.now', `expected a valid Date, got ${describeValue(now)}.`);
  if (setup !== undefined && typeof setup !== 'function') {
    throw new InvalidArgumentError('options.setup', `expected a function (db, store) => Promise, got ${describeValue(setup)}.`);
  }
  if (typeof processManager === 'function' && readSubscriberMetadata(processManager) !== undefined) {
    throw new InvalidArgumentError('processManager', `expected an instance, got the class ${processManager.name}: pass new ${processManager.name}(...).`);
  }
  const subscriber = bindSubscriber(processManager);
  const binding = subscriber.processManager;
  if (!binding) {
    throw new InvalidArgumentError(
      'processManager',
      `'${subscriber.name}' is a ${subscriber.kind === 'projection' ? 'projection' : 'event handler'}, not a @ProcessManager; test it with subscriberFixture.`,
    );
  }
  const store = await testStore(storeOptions);
  try {
    store.registerEvents(...subscriber.eventClasses);
    await setup?.(store.db, store);
    return new ProcessManagerRun<State, DB>(store, subscriber.name, new ProcessTimeline(store, { ...subscriber, processManager: binding }, now.getTime()));
  } catch (error) {
    await store.close();
    throw error;
  }
}
