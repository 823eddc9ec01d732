import type { Kysely } from 'kysely';
import type { EventMetadata } from '../events/event-metadata';
import type { EventStore } from '../event-store/event-store';
import type { RecordedEvent } from '../store/recorded-event';
import type { DeadlineScheduler } from '../process-managers/deadline-scheduler';

/**
 * What an `@On` method of an event handler receives besides the event. `DB` types the tables of
 * `store.db`, as for {@link EventStore}.
 *
 * @example
 * ```ts
 * @EventHandler('fill-mails')
 * class FillMails {
 *   @On(OrderFilled)
 *   async filled(event: OrderFilled, { eventId, signal }: HandlerContext) {
 *     await mailer.send(message(event), { idempotencyKey: eventId, signal });
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as for EventStore: untyped code names any table
export interface HandlerContext<DB = any> {
  /** The event as stored: position, stream, metadata, time. */
  readonly recorded: RecordedEvent;
  /** Stable id of the event; the same on every redelivery, so use it to deduplicate side effects. */
  readonly eventId: string;
  /** Position of the event in the log. */
  readonly position: number;
  /** Metadata stored with the event. */
  readonly metadata: EventMetadata;
  /** 1 on the first attempt, 2 on the first retry, and so on. */
  readonly attempt: number;
  /** Aborted when the attempt timed out or the dispatcher is stopping: pass it to I/O that accepts one. */
  readonly signal: AbortSignal;
  /** The store, for handlers that publish follow-up events. */
  readonly store: EventStore<DB>;
  /** Schedules and cancels deadlines of process managers. */
  readonly deadlines: DeadlineScheduler;
}

/**
 * What an `@On` method of a projection receives: a handler's context plus `db`, the transaction
 * that also records the projection's checkpoint. Write the read model only through `db`. There
 * is no `store`: on SQLite the store's one connection is busy with this very transaction, so any
 * use of it from here would wait forever.
 *
 * @example
 * ```ts
 * @Projection('open-orders')
 * class OpenOrders {
 *   @On(OrderPlaced)
 *   async placed(event: OrderPlaced, { db }: ProjectionContext<ReadModels>) {
 *     await db.insertInto('open_orders').values({ id: event.orderId, market: event.market }).execute();
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the read model's schema is the user's; any lets `ProjectionContext` stand without one
export interface ProjectionContext<DB = any> extends Omit<HandlerContext<DB>, 'store' | 'deadlines'> {
  /**
   * The transaction to write the read model through. While a projection that declares its
   * `tables` is rebuilt, queries built with it (and `sql.table(...)` references in `sql`
   * templates) reach the copies being built instead of the tables the application reads.
   */
  readonly db: Kysely<DB>;
  /**
   * The name of the table that writes to the read-model table `table` reach now: `table` itself,
   * or during a blue/green rebuild the copy being built. Only SQL written as text needs it.
   *
   * @example
   * ```ts
   * import { sql } from 'kysely';
   *
   * @Projection('open-orders', { tables: ['open_orders'] })
   * class OpenOrders {
   *   @On(OrderPlaced)
   *   async placed(event: OrderPlaced, { db, tableName }: ProjectionContext<ReadModels>) {
   *     await sql`insert into ${sql.id(tableName('open_orders'))} (id, market) values (${event.orderId}, ${event.market})`.execute(db);
   *   }
   * }
   * ```
   */
  readonly tableName: (table: string) => string;
}
