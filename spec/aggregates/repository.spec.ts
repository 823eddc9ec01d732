import { expect } from 'chai';
import {
  AggregateNotFoundError,
  ConcurrencyError,
  InvalidArgumentError,
  UnregisteredAggregateError,
  AggregateRoot,
  StoreClosedError,
  UnknownEventTypeError,
} from '../../lib';
import { forEachBackend } from '../support/backends';
import { Order, OrderFilled, OrderPlaced } from '../support/domain';
import { collect, expectRejection } from '../support/expect-rejection';
import { until } from '../support/until';

/** Resolves once the clock reads a later millisecond than `time`. */
const clockPast = (time: Date) => until(() => Date.now() > time.getTime(), `the clock did not move past ${time.toISOString()}`);

forEachBackend('Repository', (backend) => {
  it('saves pending events and loads the same state back', async () => {
    const store = await backend.open();
    const orders = store.repository(Order);
    const order = Order.place('o-1', 'KRW-BTC', 5);
    order.fill(2);
    const result = await orders.save(order, { metadata: { correlationId: 'req-1' } });

    expect(result?.nextExpectedVersion).to.equal(2);
    expect(order.version).to.equal(2);
    expect(order.pendingEvents).to.have.length(0);
    const loaded = await orders.load('o-1');
    expect(loaded).to.be.instanceOf(Order);
    expect(loaded).to.deep.include({ market: 'KRW-BTC', volume: 5, filled: 2, status: 'open', fills: [2] });
    expect(loaded.version).to.equal(2);
    const stored = await collect(store.readStream({ type: 'Order', id: 'o-1' }));
    expect(stored.map((e) => e.metadata.correlationId)).to.deep.equal(['req-1', 'req-1']);
  });

  it('throws AggregateNotFoundError for a stream with no events, and find() gives undefined', async () => {
    const store = await backend.open();
    const orders = store.repository(Order);
    const error = await expectRejection(orders.load('missing'), AggregateNotFoundError);
    expect(error).to.include({ code: 'EVENTFOLD_AGGREGATE_NOT_FOUND', aggregateType: 'Order', aggregateId: 'missing' });
    expect(await orders.find('missing')).to.equal(undefined);
  });

  it('saves with the loaded version as expected version, so a stale copy fails with ConcurrencyError', async () => {
    const store = await backend.open();
    const orders = store.repository(Order);
    await orders.save(Order.place('o-1', 'KRW-BTC', 5));
    const first = await orders.load('o-1');
    const second = await orders.load('o-1');
    first.fill(1);
    second.fill(2);
    await orders.save(first);

    const error = await expectRejection(orders.save(second), ConcurrencyError);

    expect(error).to.include({ expected: 1, actual: 2 });
    expect(second.version).to.equal(1);
    expect(second.pendingEvents).to.have.length(1);
    expect((await orders.load('o-1')).fills).to.deep.equal([1]);
  });

  it('does not store events twice when a save that committed is retried after its reply was lost', async () => {
    const store = await backend.open();
    const orders = store.repository(Order);
    const append = store.append.bind(store);
    let loseReply = true;
    store.append = async (...args) => {
      const result = await append(...args);
      if (loseReply) {
        loseReply = false;
        throw new Error('connection lost after commit');
      }
      return result;
    };
    const order = Order.place('o-1', 'KRW-BTC', 5);
    order.fill(1);
    await expectRejection(orders.save(order), Error);
    expect(order.pendingEvents).to.have.length(2);

    const retried = await orders.save(order);

    expect(retried?.alreadyStored).to.equal(true);
    expect(order.version).to.equal(2);
    expect(await store.streamVersion({ type: 'Order', id: 'o-1' })).to.equal(2);
  });

  it('loads the state as it was at a version', async () => {
    const store = await backend.open();
    const orders = store.repository(Order);
    const order = Order.place('o-1', 'KRW-BTC', 10);
    [1, 2, 3].forEach((volume) => order.fill(volume));
    await orders.save(order);

    const atTwo = await orders.load('o-1', { version: 2 });

    expect(atTwo.version).to.equal(2);
    expect(atTwo.fills).to.deep.equal([1]);
    await expectRejection(orders.load('o-1', { version: 9 }), InvalidArgumentError);
    await expectRejection(orders.load('o-1', { version: 0 }), InvalidArgumentError);
  });

  it('loads the state as it was at a moment in time', async () => {
    const store = await backend.open();
    const orders = store.repository(Order);
    const stream = { type: 'Order', id: 'o-1' };
    const order = Order.place('o-1', 'KRW-BTC', 10);
    await orders.save(order);
    const [placed] = await collect(store.readStream(stream));
    // A moment after the first event and before the second, each a clock tick apart.
    await clockPast(placed!.recordedAt);
    const between = new Date();
    await clockPast(between);
    order.fill(4);
    await orders.save(order);
    const [, filled] = await collect(store.readStream(stream));
    expect(filled!.recordedAt.getTime()).to.be.greaterThan(between.getTime());

    const then = await orders.load('o-1', { at: between });
    const now = await orders.load('o-1', { at: new Date() });
    const atTheFill = await orders.load('o-1', { at: filled!.recordedAt });

    expect(then).to.deep.include({ filled: 0, version: 1 });
    expect(now).to.deep.include({ filled: 4, version: 2 });
    expect(atTheFill).to.deep.include({ filled: 4, version: 2 });
    const error = await expectRejection(orders.load('o-1', { at: new Date('2000-01-01') }), AggregateNotFoundError);
    expect(error.message).to.contain('did not exist yet at 2000-01-01');
  });

  it('yields each event of the history with the state right after it', async () => {
    const store = await backend.open();
    const orders = store.repository(Order);
    const order = Order.place('o-1', 'KRW-BTC', 3);
    order.fill(1);
    order.fill(2);
    await orders.save(order);

    const steps = await collect(orders.history('o-1'));

    expect(steps.map((step) => [step.recorded.streamVersion, step.recorded.type, step.state.filled, step.state.status])).to.deep.equal([
      [1, 'OrderPlaced', 0, 'open'],
      [2, 'OrderFilled', 1, 'open'],
      [3, 'OrderFilled', 3, 'filled'],
    ]);
    expect(steps[0]!.state).to.be.instanceOf(Order);
    expect(steps[0]!.state.fills).to.deep.equal([]);
    expect((await collect(orders.history('o-1', { version: 2 }))).map((step) => step.state.version)).to.deep.equal([1, 2]);
  });

  it('yields no history before the first event, and refuses a version past the end as load does', async () => {
    const store = await backend.open();
    const orders = store.repository(Order);
    await orders.save(Order.place('o-1', 'KRW-BTC', 3));
    expect(await collect(orders.history('o-1', { at: new Date('2000-01-01') }))).to.deep.equal([]);
    await expectRejection(collect(orders.history('o-1', { version: 5 })), InvalidArgumentError);
  });

  it('refuses to load or read a history once the store is closed', async () => {
    const store = await backend.open();
    const orders = store.repository(Order);
    await orders.save(Order.place('o-1', 'KRW-BTC', 3));
    await store.close();
    const error = await expectRejection(orders.load('o-1'), StoreClosedError);
    expect(error.code).to.equal('EVENTFOLD_STORE_CLOSED');
    await expectRejection(collect(orders.history('o-1')), StoreClosedError);
  });

  it('rejects an aggregate class without @Aggregate, an empty id and a foreign aggregate', async () => {
    const store = await backend.open();
    class Plain extends AggregateRoot {}
    expect(() => store.repository(Plain)).to.throw(UnregisteredAggregateError, /decorate it with @Aggregate\('Plain'\)/);
    await expectRejection(store.repository(Order).load(''), InvalidArgumentError);
    await expectRejection(store.repository(Order).save({} as Order), InvalidArgumentError);
  });

  it('saves nothing when there are no pending events', async () => {
    const store = await backend.open();
    const orders = store.repository(Order);
    await orders.save(Order.place('o-1', 'KRW-BTC', 1));
    const loaded = await orders.load('o-1');
    expect(await orders.save(loaded)).to.equal(undefined);
    await store.waitForReadable();
    expect(await store.headPosition()).to.equal(1);
  });

  it('registers the events an aggregate applies, so a fresh store can read them', async () => {
    const store = await backend.open();
    const order = Order.place('o-1', 'KRW-BTC', 5);
    order.fill(2);
    await store.repository(Order).save(order);
    await store.waitForReadable();
    const unaware = await backend.reopen();
    const fresh = await backend.reopen();

    // A store that has not been shown the aggregate knows none of its events ...
    expect(unaware.eventTypes()).to.deep.equal([]);
    await expectRejection(collect(unaware.readAll()), UnknownEventTypeError);
    // ... and asking one for the aggregate's repository registers all of them.
    const orders = fresh.repository(Order);
    expect(fresh.eventTypes()).to.include.members(['OrderPlaced', 'OrderFilled', 'OrderCancelled']);
    const recorded = await collect(fresh.readAll());
    expect(recorded.map((event) => event.event.constructor)).to.deep.equal([OrderPlaced, OrderFilled]);
    expect(await orders.load('o-1')).to.deep.include({ filled: 2, fills: [2] });
  });
});
