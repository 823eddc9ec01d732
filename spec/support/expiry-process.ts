// A process for the exactly-once specs of process managers: it runs an order-expiry process
// manager, which cancels each order still open when its deadline falls due, and in "work" mode
// places orders and fills some of them, racing their deadlines, until it is killed.
//
//   node expiry-process.js <db> <schema|-> <work|drain> <run> <expire-ms> <poll-ms>
//
// It prints "started" once its dispatcher runs. In "drain" mode it places nothing, waits until
// every deadline is delivered and every subscriber idle, prints "drained" and exits.
import 'reflect-metadata';
import { Dispatcher, EventStore, On, OnDeadline, ProcessManager, type ProcessContext } from '../../lib';
import { Order, OrderCancelled, OrderFilled, OrderPlaced } from './domain';

/** Cancels an order that is still open when its deadline falls due; a complete fill or a cancel ends the watch first. */
@ProcessManager('order-expiry')
export class OrderExpiry {
  constructor(private readonly expireMs: number) {}

  @On(OrderPlaced)
  placed(_event: OrderPlaced, process: ProcessContext<{ open: boolean }>): void {
    process.state = { open: true };
    process.schedule('expire', { afterMs: this.expireMs });
  }

  @On(OrderFilled)
  async filled(_event: OrderFilled, process: ProcessContext): Promise<void> {
    const order = await process.store.repository(Order).load(process.key);
    if (order.status === 'filled') process.end();
  }

  @On(OrderCancelled)
  cancelled(_event: OrderCancelled, process: ProcessContext): void {
    process.end();
  }

  @OnDeadline('expire')
  async expire(_payload: unknown, process: ProcessContext): Promise<void> {
    const orders = process.store.repository(Order);
    const order = await orders.load(process.key);
    if (order.status === 'open') {
      order.cancel('expired');
      await orders.save(order, { metadata: process.causation });
    }
    process.end();
  }
}

async function main(): Promise<void> {
  const [database, schema, mode, run, expireMs, pollMs] = process.argv.slice(2);
  const store = database!.startsWith('postgres')
    ? await EventStore.open({ postgres: database!, schema: schema!, poolSize: 4, aggregates: [Order] })
    : await EventStore.open({ sqlite: database!, aggregates: [Order] });
  const dispatcher = await Dispatcher.start(store, [new OrderExpiry(Number(expireMs))], { pollIntervalMs: Number(pollMs), leaseMs: 500, logger: false });
  process.stdout.write('started\n');
  if (mode === 'drain') {
    await drain(store, dispatcher);
    process.stdout.write('drained\n');
    await dispatcher.stop();
    await store.close();
    return;
  }
  const orders = store.repository(Order);
  for (let index = 0; ; index++) {
    const id = `run-${run}-order-${index}`;
    await orders.save(Order.place(id, 'KRW-BTC', 2));
    if (Math.random() < 0.5) {
      // A fill races the deadline: it loses to an expiry that cancelled the order first.
      const delay = Math.random() * 2 * Number(expireMs);
      setTimeout(() => void orders.update(id, (order) => order.fill(2)).catch(() => undefined), delay);
    }
    await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
  }
}

/** Waits until this process runs the process manager, no deadline is pending and the dispatcher has caught up with the log. */
async function drain(store: EventStore, dispatcher: Dispatcher): Promise<void> {
  // The killed run's lease on the process manager holds until it runs out; idle() does not wait
  // for a subscriber on standby, so without this the drain could end before it took over.
  await dispatcher.waitUntilLive();
  for (;;) {
    await dispatcher.idle();
    const pending = await store.db
      .selectFrom('eventfold_deadlines')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    if (Number(pending.count) === 0) {
      await dispatcher.idle();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
