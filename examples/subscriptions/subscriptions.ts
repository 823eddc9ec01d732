/**
 * Subscriptions as a program you can run: a shop's orders, an event handler that mails a
 * confirmation for each order placed and announces it on the bus, and a projection that keeps a
 * table of open orders in the same SQLite file, rebuilt from the whole log at the end.
 *
 * Run it with `npm run build:spec && node build/examples/subscriptions/subscriptions.js`. In your
 * own code, import from 'eventfold' instead of '../../lib'.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  Aggregate,
  AggregateRoot,
  Apply,
  Dispatcher,
  DomainEvent,
  EventHandler,
  EventStore,
  On,
  Projection,
  type HandlerContext,
  type ProjectionContext,
  type RebuildProgress,
  type SubscriberStats,
} from '../../lib';

@DomainEvent('OrderPlaced')
export class OrderPlaced {
  constructor(
    readonly item: string = '',
    readonly quantity: number = 0,
  ) {}
}

@DomainEvent('OrderCancelled')
export class OrderCancelled {
  constructor(readonly reason: string = '') {}
}

/** Published once an order's confirmation has gone out. It belongs to no aggregate. */
@DomainEvent('ConfirmationSent')
export class ConfirmationSent {
  constructor(readonly orderId: string = '') {}
}

@Aggregate('Order')
export class Order extends AggregateRoot {
  status: 'new' | 'open' | 'cancelled' = 'new';

  place(item: string, quantity: number): void {
    if (this.status !== 'new') throw new Error(`order ${this.id} is already ${this.status}`);
    if (!(quantity > 0)) throw new RangeError(`cannot order ${quantity} of ${item}: give a positive quantity`);
    this.raise(new OrderPlaced(item, quantity));
  }

  cancel(reason: string): void {
    if (this.status !== 'open') throw new Error(`cannot cancel a ${this.status} order`);
    this.raise(new OrderCancelled(reason));
  }

  @Apply(OrderPlaced)
  protected placed(): void {
    this.status = 'open';
  }

  @Apply(OrderCancelled)
  protected cancelled(): void {
    this.status = 'cancelled';
  }
}

/** A mail outbox that sends each message once, however often it is asked to: the key deduplicates. */
export class Outbox {
  private readonly messages = new Map<string, string>();

  send(text: string, idempotencyKey: string): void {
    if (!this.messages.has(idempotencyKey)) this.messages.set(idempotencyKey, text);
  }

  /** The messages sent, in order. */
  get sent(): string[] {
    return [...this.messages.values()];
  }
}

/**
 * The side effect: a confirmation mail per order placed. Handlers run at least once, so the
 * event id goes with the mail as its idempotency key, and what the handler publishes is read
 * by a consumer that does not mind seeing it twice.
 */
@EventHandler('order-confirmations')
export class OrderConfirmations {
  constructor(private readonly outbox: Outbox) {}

  @On(OrderPlaced)
  async placed(event: OrderPlaced, { recorded, eventId, store }: HandlerContext): Promise<void> {
    this.outbox.send(`Order ${recorded.streamId}: ${event.quantity} x ${event.item}, confirmed.`, eventId);
    await store.publish(new ConfirmationSent(recorded.streamId), { metadata: { causationId: eventId } });
  }
}

/** The read model's table, as Kysely sees it. */
export type ShopReadModels = {
  open_orders: { order_id: string; item: string; quantity: number; confirmed: number };
};

/** One row of the read model. */
export type OpenOrderRow = ShopReadModels['open_orders'];

/**
 * The read model: one row per order placed and not cancelled. Every write goes through
 * `context.db`, the transaction that also moves the projection's checkpoint.
 */
@Projection('open-orders', { batchSize: 100 })
export class OpenOrders {
  @On(OrderPlaced)
  async placed(event: OrderPlaced, { db, recorded }: ProjectionContext<ShopReadModels>): Promise<void> {
    await db.insertInto('open_orders').values({ order_id: recorded.streamId, item: event.item, quantity: event.quantity, confirmed: 0 }).execute();
  }

  @On(OrderCancelled)
  async cancelled(_event: OrderCancelled, { db, recorded }: ProjectionContext<ShopReadModels>): Promise<void> {
    await db.deleteFrom('open_orders').where('order_id', '=', recorded.streamId).execute();
  }

  @On(ConfirmationSent)
  async confirmed(event: ConfirmationSent, { db }: ProjectionContext<ShopReadModels>): Promise<void> {
    // Setting a flag is the same however many times it is done, so a republished event is harmless.
    await db.updateTable('open_orders').set({ confirmed: 1 }).where('order_id', '=', event.orderId).execute();
  }

  /** Empties the read model; `dispatcher.rebuild` calls it before replaying the log. */
  async reset(db: Kysely<ShopReadModels>): Promise<void> {
    await db.deleteFrom('open_orders').execute();
  }
}

/** Creates the read model's table unless it is there. */
export async function createReadModel(store: EventStore): Promise<void> {
  await store.db.schema
    .createTable('open_orders')
    .ifNotExists()
    .addColumn('order_id', 'text', (column) => column.primaryKey())
    .addColumn('item', 'text', (column) => column.notNull())
    .addColumn('quantity', 'integer', (column) => column.notNull())
    .addColumn('confirmed', 'integer', (column) => column.notNull())
    .execute();
}

/** The rows of the read model, by item and then by order id. */
export async function readOpenOrders(store: EventStore<ShopReadModels>): Promise<OpenOrderRow[]> {
  return store.db.selectFrom('open_orders').selectAll().orderBy('item').orderBy('order_id').execute();
}

/** What a run of the example did. */
export interface SubscriptionsOutcome {
  /** The ids of the orders this run placed, in order; the last one was cancelled. */
  readonly orderIds: readonly string[];
  /** The confirmation mails this run sent. */
  readonly mails: readonly string[];
  /** The open-orders read model once every subscriber was idle. */
  readonly openOrders: readonly OpenOrderRow[];
  /** Each subscriber's figures at that moment. */
  readonly stats: readonly SubscriberStats[];
  /** How the rebuild of the read model from the whole log went. */
  readonly rebuild: RebuildProgress;
  /** The read model after the rebuild: the same rows as before it. */
  readonly rebuiltOpenOrders: readonly OpenOrderRow[];
}

/**
 * Places three orders and cancels one, in the SQLite file `file` (created if missing), lets the
 * handler mail the confirmations and the projection fill its table, then rebuilds the table from
 * the log. Checkpoints are kept in the file, so a second run on it mails only its own orders.
 *
 * @example
 * ```ts
 * const { mails, openOrders } = await main('shop.db');
 * mails.length; // 3
 * openOrders.map((row) => row.item); // ['keyboard', 'mouse']
 * ```
 */
export async function main(file = 'subscriptions.db'): Promise<SubscriptionsOutcome> {
  const store = await EventStore.open<ShopReadModels>({ sqlite: file });
  let dispatcher: Dispatcher | undefined;
  try {
    await createReadModel(store);
    const outbox = new Outbox();
    dispatcher = await Dispatcher.start(store, [new OrderConfirmations(outbox), new OpenOrders()]);

    const orders = store.repository(Order);
    const orderIds: string[] = [];
    const placeOrder = async (item: string, quantity: number): Promise<string> => {
      const order = new Order(randomUUID());
      order.place(item, quantity);
      await orders.save(order); // the subscribers receive the event right after the commit
      orderIds.push(order.id);
      return order.id;
    };
    await placeOrder('keyboard', 1);
    await placeOrder('mouse', 2);
    const monitor = await orders.load(await placeOrder('monitor', 1));
    monitor.cancel('found a cheaper one');
    await orders.save(monitor);

    // idle() waits for the log as it is when called. The handler publishes while it works, so
    // a second call waits for what it published to reach the projection too.
    await dispatcher.idle();
    await dispatcher.idle();
    const openOrders = await readOpenOrders(store);
    const stats = dispatcher.stats();

    const rebuild = await dispatcher.rebuild('open-orders');
    return { orderIds, mails: outbox.sent, openOrders, stats, rebuild, rebuiltOpenOrders: await readOpenOrders(store) };
  } finally {
    await dispatcher?.stop();
    await store.close();
  }
}

if (require.main === module) {
  main(process.argv[2]).then(
    ({ mails, openOrders, stats, rebuild }) => {
      for (const mail of mails) console.log(mail);
      for (const row of openOrders) console.log(`open: ${row.quantity} x ${row.item}${row.confirmed ? ', confirmed' : ''}`);
      for (const { name, processed, checkpoint } of stats) console.log(`${name}: ${processed} events handled, checkpoint ${checkpoint}`);
      console.log(`rebuilt open-orders from ${rebuild.done} of ${rebuild.total} positions`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
