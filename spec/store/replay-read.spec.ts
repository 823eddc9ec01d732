import { expect } from 'chai';
import { CorruptEventError, StoreClosedError, UnknownEventTypeError, type EventStore, type UndecodableEventError } from '../../lib';
import { MAX_STREAM_VERSION } from '../../lib/store/expected-version';
import { forEachBackend } from '../support/backends';
import { Order, OrderCancelled, OrderFilled, OrderPlaced } from '../support/domain';
import { collect, expectRejection } from '../support/expect-rejection';

const order = { type: 'Order', id: 'o-1' };

/** What a replay hands to its listener, in order. */
async function replayed(store: EventStore, fromVersion: number, toVersion: number): Promise<Array<[version: number, event: object]>> {
  const seen: Array<[number, object]> = [];
  await store.readStreamForReplay(order, fromVersion, toVersion, (event, version) => seen.push([version, event]));
  return seen;
}

/** The facts and message an undecodable-event error carries, to compare two of them. */
function factsOf(error: UndecodableEventError) {
  const { code, position, type, streamType, streamId, streamVersion, message } = error;
  return { name: error.constructor.name, code, position, type, streamType, streamId, streamVersion, message };
}

forEachBackend('EventStore.readStreamForReplay', (backend) => {
  it('hands each event and its version to the listener in order, between fromVersion and toVersion, across pages', async () => {
    const store = await backend.open({ pageSize: 2 });
    await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 9), ...[1, 2, 3, 4, 5].map((n) => new OrderFilled(n))]);
    await store.append({ type: 'Order', id: 'o-2' }, [new OrderCancelled('other stream')]);

    const middle = await replayed(store, 2, 5);
    const all = await replayed(store, 1, MAX_STREAM_VERSION);

    expect(middle.map(([version]) => version)).to.deep.equal([2, 3, 4, 5]);
    expect(middle.map(([, event]) => (event as OrderFilled).volume)).to.deep.equal([1, 2, 3, 4]);
    expect(all.map(([version]) => version)).to.deep.equal([1, 2, 3, 4, 5, 6]);
  });

  it('decodes the same events as readStream: class instances, upcast and transformed', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 9), new OrderFilled(4, undefined, 12n), new OrderCancelled('done')]);
    // Written at schema version 1, before OrderPlaced had a market; the upcaster adds it.
    await store.db.updateTable('eventfold_events').set({ schema_version: 1, payload: '{"orderId":"o-1","volume":9}' }).where('position', '=', 1).execute();

    const read = await collect(store.readStream(order));
    const seen = await replayed(store, 1, MAX_STREAM_VERSION);

    expect(seen.map(([version]) => version)).to.deep.equal(read.map((recorded) => recorded.streamVersion));
    expect(seen.map(([, event]) => event)).to.deep.equal(read.map((recorded) => recorded.event));
    expect(seen[0]![1]).to.be.instanceOf(OrderPlaced).and.include({ market: 'KRW-BTC' });
    expect((seen[1]![1] as OrderFilled).tradeSequence).to.equal(12n);
  });

  it('stops at an event of an unknown type with the error readStream gives, naming where it is stored', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 1), new OrderCancelled('x'), new OrderFilled(1)]);
    const reader = await backend.reopen({ events: [OrderPlaced, OrderFilled] });

    const seen: number[] = [];
    const error = await expectRejection(
      reader.readStreamForReplay(order, 1, 3, (_, version) => seen.push(version)),
      UnknownEventTypeError,
    );
    const fromReadStream = await expectRejection(collect(reader.readStream(order)), UnknownEventTypeError);

    expect(seen).to.deep.equal([1]);
    expect(error).to.include({ position: 2, type: 'OrderCancelled', streamType: 'Order', streamId: 'o-1', streamVersion: 2 });
    expect(factsOf(error)).to.deep.equal(factsOf(fromReadStream));
  });

  it('stops at a corrupt payload with the error readStream gives', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 1), new OrderFilled(2)]);
    await store.db.updateTable('eventfold_events').set({ payload: backend.corrupt.json }).where('position', '=', 2).execute();

    const error = await expectRejection(replayed(store, 1, 2), CorruptEventError);
    const fromReadStream = await expectRejection(collect(store.readStream(order)), CorruptEventError);

    expect(error).to.include({ position: 2, type: 'OrderFilled', streamVersion: 2 });
    expect(factsOf(error)).to.deep.equal(factsOf(fromReadStream));
  });

  it('is what Repository.load replays, so a load fails on an undecodable event with the same error', async () => {
    const store = await backend.open();
    const orders = store.repository(Order);
    const placed = Order.place('o-1', 'KRW-BTC', 3);
    placed.fill(1);
    await orders.save(placed);
    await store.db.updateTable('eventfold_events').set({ event_type: 'OrderShipped' }).where('position', '=', 2).execute();

    const error = await expectRejection(orders.load('o-1'), UnknownEventTypeError);
    const fromReadStream = await expectRejection(collect(store.readStream(order)), UnknownEventTypeError);

    expect(error).to.include({ position: 2, type: 'OrderShipped', streamType: 'Order', streamId: 'o-1', streamVersion: 2 });
    expect(factsOf(error)).to.deep.equal(factsOf(fromReadStream));
  });

  it('refuses to replay once the store is closed', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderCancelled('x')]);
    await store.close();

    await expectRejection(replayed(store, 1, 1), StoreClosedError);
  });
});
