import type { Kysely } from 'kysely';
import type { EventStore } from '../event-store/event-store';
import type { PublishOptions } from '../store/event-log';
import type { NewEvent } from '../store/new-event';
import type { RecordedEvent } from '../store/recorded-event';
import type { StreamRef } from '../store/stream-ref';
import type { DeadLetter } from '../subscriptions/dead-letter-store';
import type { Dispatcher } from '../subscriptions/dispatcher';

/**
 * Subscribers running on a store of their own, as {@link subscriberFixture} starts them: append
 * events with `given`, then look at what the subscribers did, in the read model (`db`), the dead
 * letters, or the subscribers' own fakes. `DB` describes the read model's tables for Kysely.
 *
 * @example
 * ```ts
 * const run = await subscriberFixture<ReadModel>(new OrderStatus(), { setup: createOrderStatusTable });
 * await run.given({ type: 'Order', id: 'o-1' }, new OrderPlaced('keyboard'));
 * const row = await run.db.selectFrom('order_status').selectAll().executeTakeFirstOrThrow();
 * await run.close();
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the read model's schema is the test's; any lets a run stand without one, as ProjectionContext does
export class SubscriberRun<DB = any> {
  /** @internal Use {@link subscriberFixture}. */
  constructor(
    /** The store the subscribers run on: an SQLite database in memory, for this run only. */
    readonly store: EventStore,
    /** The dispatcher that delivers the store's events to the subscribers. */
    readonly dispatcher: Dispatcher,
  ) {}

  /** The store's database, where projections keep their read models, typed as `DB`. */
  get db(): Kysely<DB> {
    return this.store.db;
  }

  /**
   * Appends `events` to `stream`, then waits until every subscriber is done with them: handled,
   * parked as dead letters, or halted on (see {@link Dispatcher.idle}).
   *
   * @returns the events as stored, with their positions.
   */
  async given(stream: StreamRef, ...events: Array<object | NewEvent>): Promise<readonly RecordedEvent[]> {
    const { events: recorded } = await this.store.append(stream, events);
    await this.idle();
    return recorded;
  }

  /** Publishes an event that belongs to no aggregate (see `store.publish`), then waits like {@link SubscriberRun.given}. */
  async publish(event: object | NewEvent, options?: PublishOptions): Promise<RecordedEvent> {
    const recorded = await this.store.publish(event, options);
    await this.idle();
    return recorded;
  }

  /**
   * Waits until every subscriber is done with every event in the log now: for events appended
   * another way than `given`, by a repository's save or by a handler.
   */
  idle(): Promise<void> {
    return this.dispatcher.idle();
  }

  /** The dead letters, oldest first, of one subscriber or of all. */
  deadLetters(subscriber?: string): Promise<DeadLetter[]> {
    return this.dispatcher.deadLetters(subscriber);
  }

  /** Stops the subscribers and drops the store with everything in it. Closing twice is harmless. */
  close(): Promise<void> {
    return this.store.close();
  }
}
