import { expect } from 'chai';
import {
  DomainEvent,
  EventHandler,
  On,
  ProcessManager,
  ProcessManagerReplayError,
  type EventStore,
  type HandlerContext,
  type ProcessContext,
  InvalidArgumentError,
} from '../../lib';
import { forEachBackend } from '../support/backends';
import { Order, OrderCancelled, OrderFilled, OrderPlaced } from '../support/domain';
import { expectRejection } from '../support/expect-rejection';

@DomainEvent('WatchStarted')
class WatchStarted {
  constructor(readonly orderId: string) {}
}

interface Watch {
  market: string;
  volume: number;
  filled: number;
}

/** Watches each order: starts on placement, counts fills in place, ends when filled or cancelled. */
@ProcessManager('order-watch')
class OrderWatch {
  @On(OrderPlaced)
  async placed(event: OrderPlaced, process: ProcessContext<Watch>): Promise<void> {
    process.state = { market: event.market, volume: event.volume, filled: 0 };
    process.schedule('expire', { afterMs: 60_000 }, { reason: 'unfilled' });
    await process.store.publish(new WatchStarted(event.orderId), { metadata: process.causation });
  }

  @On(OrderFilled)
  filled(event: OrderFilled, process: ProcessContext<Watch>): void {
    if (!process.state) return;
    process.state.filled += event.volume;
    if (process.state.filled === process.state.volume) process.end();
  }

  @On(OrderCancelled)
  cancelled(_event: OrderCancelled, process: ProcessContext<Watch>): void {
    process.end();
  }
}

@ProcessManager('order-watch-kept', { ended: 'keep' })
class KeptOrderWatch extends OrderWatch {
  calls = 0;

  @On(OrderFilled)
  override filled(event: OrderFilled, process: ProcessContext<Watch>): void {
    this.calls++;
    super.filled(event, process);
  }
}

/** Cancels every order placed on KRW-XRP, through the repository, in the step's transaction. */
@ProcessManager('xrp-ban', { correlationKey: 'orderId' })
class XrpBan {
  @On(OrderPlaced)
  async placed(event: OrderPlaced, process: ProcessContext): Promise<void> {
    if (event.market !== 'KRW-XRP') return;
    const orders = process.store.repository(Order);
    const order = await orders.load(event.orderId);
    order.cancel('XRP is not traded here');
    await orders.save(order, { metadata: process.causation });
  }
}

/** Publishes, schedules and sets state, then fails: none of it may stay. */
@ProcessManager('broken-watch', { retry: { maxAttempts: 2, initialDelayMs: 1 } })
class BrokenWatch {
  @On(OrderPlaced)
  async placed(event: OrderPlaced, process: ProcessContext<{ seen: boolean }>): Promise<void> {
    process.state = { seen: true };
    process.schedule('expire', { afterMs: 1000 });
    await process.store.publish(new WatchStarted(event.orderId));
    throw new Error(`cannot watch ${event.orderId}`);
  }
}

@EventHandler('watch-log')
class WatchLog {
  readonly started: Array<{ orderId: string; causationId: unknown }> = [];

  @On(WatchStarted)
  started_(event: WatchStarted, { metadata }: HandlerContext): void {
    this.started.push({ orderId: event.orderId, causationId: metadata.causationId });
  }
}

async function instances(store: EventStore, processManager: string): Promise<Array<{ key: string; state: unknown; status: string; version: number }>> {
  const rows = await store.db.selectFrom('eventfold_process_instances').selectAll().where('process_manager', '=', processManager).orderBy('key').execute();
  return (rows as Array<{ key: string; state: string; status: string; version: number }>).map((row) => ({
    key: row.key,
    state: JSON.parse(row.state) as unknown,
    status: row.status,
    version: Number(row.version),
  }));
}

async function deadlines(store: EventStore, processManager: string): Promise<Array<{ key: string; name: string; payload: unknown }>> {
  const rows = await store.db.selectFrom('eventfold_deadlines').selectAll().where('process_manager', '=', processManager).orderBy('instance_key').execute();
  return (rows as Array<{ instance_key: string; name: string; payload: string }>).map((row) => ({
    key: row.instance_key,
    name: row.name,
    payload: JSON.parse(row.payload) as unknown,
  }));
}

forEachBackend('Process managers', (backend) => {
  it('starts an instance on its first event, with its state, its deadline and its published event committed together', async () => {
    const store = await backend.open({ aggregates: [Order] });
    const log = new WatchLog();
    const dispatcher = await backend.dispatch(store, [new OrderWatch(), log]);
    const placed = await store.repository(Order).save(Order.place('o-1', 'KRW-BTC', 2));
    await dispatcher.idle();
    expect(await instances(store, 'order-watch')).to.deep.equal([{ key: 'o-1', state: { market: 'KRW-BTC', volume: 2, filled: 0 }, status: 'running', version: 1 }]);
    expect(await deadlines(store, 'order-watch')).to.deep.equal([{ key: 'o-1', name: 'expire', payload: { reason: 'unfilled' } }]);
    expect(log.started).to.deep.equal([{ orderId: 'o-1', causationId: placed!.events[0]!.eventId }]);
  });

  it('stores changes made to the state in place, and deletes an ended instance with its deadlines', async () => {
    const store = await backend.open({ aggregates: [Order] });
    const dispatcher = await backend.dispatch(store, [new OrderWatch()]);
    const orders = store.repository(Order);
    await orders.save(Order.place('o-1', 'KRW-BTC', 3));
    await orders.save(Order.place('o-2', 'KRW-ETH', 1));
    await orders.update('o-1', (order) => order.fill(1));
    await dispatcher.idle();
    expect(await instances(store, 'order-watch')).to.deep.equal([
      { key: 'o-1', state: { market: 'KRW-BTC', volume: 3, filled: 1 }, status: 'running', version: 2 },
      { key: 'o-2', state: { market: 'KRW-ETH', volume: 1, filled: 0 }, status: 'running', version: 1 },
    ]);
    await orders.update('o-1', (order) => order.fill(2));
    await dispatcher.idle();
    expect((await instances(store, 'order-watch')).map((instance) => instance.key)).to.deep.equal(['o-2']);
    expect((await deadlines(store, 'order-watch')).map((deadline) => deadline.key)).to.deep.equal(['o-2']);
  });

  it("keeps an ended instance under ended: 'keep', and delivers it nothing more", async () => {
    const store = await backend.open({ aggregates: [Order] });
    const watch = new KeptOrderWatch();
    const dispatcher = await backend.dispatch(store, [watch]);
    const orders = store.repository(Order);
    await orders.save(Order.place('o-1', 'KRW-BTC', 1));
    await orders.update('o-1', (order) => order.cancel('changed my mind'));
    await store.append({ type: 'Order', id: 'o-1' }, [new OrderFilled(1)]);
    await dispatcher.idle();
    expect(await instances(store, 'order-watch-kept')).to.deep.equal([{ key: 'o-1', state: { market: 'KRW-BTC', volume: 1, filled: 0 }, status: 'ended', version: 2 }]);
    expect(watch.calls).to.equal(0);
    expect(await deadlines(store, 'order-watch-kept')).to.deep.equal([]);
  });

  it("saves aggregates through the step's transaction, tied to the event that caused it", async () => {
    const store = await backend.open({ aggregates: [Order] });
    const dispatcher = await backend.dispatch(store, [new XrpBan()]);
    const orders = store.repository(Order);
    const placed = await orders.save(Order.place('o-1', 'KRW-XRP', 1));
    await orders.save(Order.place('o-2', 'KRW-BTC', 1));
    await dispatcher.idle();
    expect((await orders.load('o-1')).status).to.equal('cancelled');
    expect((await orders.load('o-2')).status).to.equal('open');
    const cancelled = [];
    for await (const recorded of store.readStream({ type: 'Order', id: 'o-1' })) cancelled.push(recorded);
    expect(cancelled.map((recorded) => recorded.type)).to.deep.equal(['OrderPlaced', 'OrderCancelled']);
    const cause = placed!.events[0]!.eventId;
    expect(cancelled[1]!.metadata).to.deep.include({ causationId: cause, correlationId: cause });
  });

  it('leaves nothing of a failing step: no state, no deadline, no published event; the event is parked', async () => {
    const store = await backend.open({ aggregates: [Order] });
    const log = new WatchLog();
    const dispatcher = await backend.dispatch(store, [new BrokenWatch(), log]);
    await store.repository(Order).save(Order.place('o-1', 'KRW-BTC', 1));
    await dispatcher.idle();
    expect(await instances(store, 'broken-watch')).to.deep.equal([]);
    expect(await deadlines(store, 'broken-watch')).to.deep.equal([]);
    expect(log.started).to.deep.equal([]);
    const types = [];
    await store.waitForReadable();
    for await (const recorded of store.readAll()) types.push(recorded.type);
    expect(types).to.deep.equal(['OrderPlaced']);
    const [letter, ...more] = await dispatcher.deadLetters('broken-watch');
    expect(more).to.deep.equal([]);
    expect(letter).to.deep.include({ eventType: 'OrderPlaced', attempts: 2, errorMessage: 'cannot watch o-1' });
  });

  it('parks an event without the correlation field, saying which field is missing', async () => {
    const store = await backend.open({ aggregates: [Order] });
    const dispatcher = await backend.dispatch(store, [new XrpBan()]);
    await store.append({ type: 'Order', id: 'o-1' }, [new OrderPlaced('', 'KRW-XRP', 1)]);
    await dispatcher.idle();
    const [letter] = await dispatcher.deadLetters('xrp-ban');
    expect(letter?.errorMessage).to.match(/^Process manager 'xrp-ban' found no instance key in a OrderPlaced event: its field 'orderId' is "", not a non-empty string\./);
  });

  it('refuses to rebuild a process manager, or to run one inline', async () => {
    const store = await backend.open({ aggregates: [Order] });
    const dispatcher = await backend.dispatch(store, [new OrderWatch()]);
    const error = await expectRejection(dispatcher.rebuild('order-watch'), ProcessManagerReplayError);
    expect(error.message).to.match(/^'order-watch' is a process manager and cannot be rebuilt: replaying its events would repeat/);
    await expectRejection(backend.reopen({ inlineProjections: [new OrderWatch()] }), InvalidArgumentError);
  });
});
