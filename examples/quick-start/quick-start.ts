/**
 * The README's quick start as a program you can run: two events, one aggregate, and a store in
 * an SQLite file. It places an order, loads it back, ships it, and walks its history.
 *
 * Run it with `npm run build:spec && node build/examples/quick-start/quick-start.js`. In your own
 * code, import from 'eventfold' instead of '../../lib'.
 */
import { Aggregate, AggregateRoot, Apply, DomainEvent, EventStore } from '../../lib';

@DomainEvent('OrderPlaced')
export class OrderPlaced {
  constructor(readonly item: string) {}
}

@DomainEvent('OrderShipped')
export class OrderShipped {
  constructor(readonly carrier: string) {}
}

@Aggregate('Order')
export class Order extends AggregateRoot {
  item = '';
  status: 'new' | 'placed' | 'shipped' = 'new';

  place(item: string): void {
    this.raise(new OrderPlaced(item));
  }

  ship(carrier: string): void {
    if (this.status !== 'placed') throw new Error(`cannot ship a ${this.status} order`);
    this.raise(new OrderShipped(carrier));
  }

  @Apply(OrderPlaced)
  protected placed(event: OrderPlaced): void {
    this.item = event.item;
    this.status = 'placed';
  }

  @Apply(OrderShipped)
  protected shipped(): void {
    this.status = 'shipped';
  }
}

/** One step of the order's history: the stored event and the status right after it. */
export interface QuickStartStep {
  readonly version: number;
  readonly type: string;
  readonly status: Order['status'];
}

/** What a run of the quick start did. */
export interface QuickStartOutcome {
  /** The order as loaded from the log after both saves. */
  readonly order: Order;
  /** How the order came to be, one step per stored event. */
  readonly history: readonly QuickStartStep[];
}

/**
 * Places an order, saves it, loads it back, ships it, saves again and replays its history, all
 * in the SQLite file `file` (created if missing). Each run places a new order, so the same file
 * can be used again.
 *
 * @example
 * ```ts
 * const { order, history } = await main('quick-start.db');
 * order.status; // 'shipped'
 * history.map((step) => step.type); // ['OrderPlaced', 'OrderShipped']
 * ```
 */
export async function main(file = 'quick-start.db'): Promise<QuickStartOutcome> {
  const store = await EventStore.open({ sqlite: file });
  try {
    const orders = store.repository(Order);
    const order = new Order(crypto.randomUUID());
    order.place('keyboard');
    await orders.save(order); // appends OrderPlaced as version 1

    const loaded = await orders.load(order.id); // rebuilt by replaying its stream
    loaded.ship('post');
    await orders.save(loaded); // appends OrderShipped as version 2

    const history: QuickStartStep[] = [];
    for await (const { recorded, state } of orders.history(order.id)) {
      history.push({ version: recorded.streamVersion, type: recorded.type, status: state.status });
    }
    return { order: await orders.load(order.id), history };
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  main(process.argv[2]).then(
    ({ order, history }) => {
      for (const step of history) console.log(step.version, step.type, step.status);
      console.log(`order ${order.id}: ${order.item}, ${order.status} (version ${order.version})`);
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
