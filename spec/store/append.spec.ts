import { expect } from 'chai';
import { ANY_VERSION, ConcurrencyError, EventIdConflictError, NO_STREAM } from '../../lib';
import { forEachBackend } from '../support/backends';
import { OrderCancelled, OrderFilled, OrderPlaced } from '../support/domain';
import { collect, expectRejection } from '../support/expect-rejection';

const order = { type: 'Order', id: 'o-1' };

forEachBackend('EventStore.append', (backend) => {
  it('stores events with consecutive versions and increasing positions', async () => {
    const store = await backend.open();
    const first = await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 2)], { expectedVersion: NO_STREAM });
    const second = await store.append({ type: 'Order', id: 'o-2' }, [new OrderPlaced('o-2', 'KRW-ETH', 1)]);
    const third = await store.append(order, [new OrderFilled(1), new OrderFilled(1)], { expectedVersion: 1 });

    expect(first.nextExpectedVersion).to.equal(1);
    expect(third.nextExpectedVersion).to.equal(3);
    expect(third.events.map((e) => e.streamVersion)).to.deep.equal([2, 3]);
    const positions = [first, second, third].flatMap((result) => result.events.map((e) => e.position));
    expect(positions).to.deep.equal([...positions].sort((a, b) => a - b));
    expect(new Set(positions).size).to.equal(4);
    await store.waitForReadable();
    expect(await store.headPosition()).to.equal(positions[3]);
  });

  it('records every field of a stored event', async () => {
    const store = await backend.open();
    const before = Date.now();
    await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 2)], {
      metadata: { correlationId: 'c-1', causationId: 'cmd-1', userId: 'u-7', tags: ['a', 1, null] },
    });
    const [recorded] = await collect(store.readStream(order));

    expect(recorded!.position).to.be.a('number').greaterThan(0);
    expect(recorded!.eventId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(recorded).to.include({ streamType: 'Order', streamId: 'o-1', streamVersion: 1, type: 'OrderPlaced', schemaVersion: 2 });
    expect(recorded!.event).to.be.instanceOf(OrderPlaced);
    expect(recorded!.metadata).to.deep.equal({ correlationId: 'c-1', causationId: 'cmd-1', userId: 'u-7', tags: ['a', 1, null] });
    expect(recorded!.recordedAt.getTime()).to.be.within(before - 5, Date.now() + 5);
  });

  it('throws ConcurrencyError naming stream, expected and actual version, and writes nothing', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 2)]);

    const error = await expectRejection(store.append(order, [new OrderFilled(1), new OrderFilled(1)], { expectedVersion: 0 }), ConcurrencyError);

    expect(error.code).to.equal('EVENTFOLD_CONCURRENCY');
    expect(error.stream).to.deep.equal(order);
    expect(error.expected).to.equal(0);
    expect(error.actual).to.equal(1);
    expect(error.message).to.contain('Order/o-1').and.contain('version 1').and.contain('retry');
    expect(await store.streamVersion(order)).to.equal(1);
  });

  it('refuses a stale numeric expected version and a no-stream expectation on an existing stream', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 2), new OrderFilled(1)]);
    await expectRejection(store.append(order, [new OrderFilled(1)], { expectedVersion: 1 }), ConcurrencyError);
    await expectRejection(store.append(order, [new OrderFilled(1)], { expectedVersion: NO_STREAM }), ConcurrencyError);
    await expectRejection(store.append({ type: 'Order', id: 'none' }, [new OrderFilled(1)], { expectedVersion: 3 }), ConcurrencyError);
    const appended = await store.append(order, [new OrderFilled(1)], { expectedVersion: ANY_VERSION });
    expect(appended.nextExpectedVersion).to.equal(3);
  });

  it('is atomic: an event that cannot be serialized fails the whole append', async () => {
    const store = await backend.open();
    class NotAnEvent {}
    await expectRejection(store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 1), new NotAnEvent()]), Error);
    expect(await store.streamVersion(order)).to.equal(0);
    expect(await store.headPosition()).to.equal(0);
  });

  it('treats a retry of a committed append (same event ids) as done, not as a duplicate', async () => {
    const store = await backend.open();
    const ids = ['0190f5d2-7b5a-7c1e-8a3b-000000000001', '0190f5d2-7b5a-7c1e-8a3b-000000000002'];
    const events = [
      { event: new OrderPlaced('o-1', 'KRW-BTC', 1), id: ids[0] },
      { event: new OrderFilled(1), id: ids[1] },
    ];
    const first = await store.append(order, events, { expectedVersion: NO_STREAM });
    const retry = await store.append(order, events, { expectedVersion: NO_STREAM });
    const retryWithoutCheck = await store.append(order, events);

    expect(first.alreadyStored).to.equal(false);
    expect(retry.alreadyStored).to.equal(true);
    expect(retryWithoutCheck.alreadyStored).to.equal(true);
    expect(retry.events.map((e) => e.position)).to.deep.equal(first.events.map((e) => e.position));
    await store.waitForReadable();
    expect((await collect(store.readAll())).map((e) => e.eventId)).to.deep.equal(ids);
  });

  it('refuses an event id that is already stored for a different event', async () => {
    const store = await backend.open();
    const id = '0190f5d2-7b5a-7c1e-8a3b-00000000000a';
    await store.append(order, [{ event: new OrderPlaced('o-1', 'KRW-BTC', 1), id }]);
    const error = await expectRejection(store.append({ type: 'Order', id: 'o-2' }, [{ event: new OrderPlaced('o-2', 'KRW-BTC', 1), id }]), EventIdConflictError);
    expect(error.eventIds).to.deep.equal([id]);
    await store.waitForReadable();
    expect(await store.headPosition()).to.equal(1);
  });

  it('keeps streams of different types apart even with the same id', async () => {
    const store = await backend.open();
    await store.append({ type: 'Order', id: 'x' }, [new OrderCancelled('a')], { expectedVersion: NO_STREAM });
    await store.append({ type: 'Position', id: 'x' }, [new OrderCancelled('b')], { expectedVersion: NO_STREAM });
    expect(await store.streamVersion({ type: 'Order', id: 'x' })).to.equal(1);
    expect(await store.streamVersion({ type: 'Position', id: 'x' })).to.equal(1);
  });

  it('serializes concurrent appends in one process: exactly one of two racing writers wins', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 5)]);
    const results = await Promise.allSettled([
      store.append(order, [new OrderFilled(1)], { expectedVersion: 1 }),
      store.append(order, [new OrderFilled(2)], { expectedVersion: 1 }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).to.be.instanceOf(ConcurrencyError);
    expect(await store.streamVersion(order)).to.equal(2);
  });

  it('lets concurrent appends expecting any version to one stream all succeed, at consecutive versions', async () => {
    const store = await backend.open();
    const writers = 12;
    const results = await Promise.all(
      Array.from({ length: writers }, (_, n) => store.append(order, [new OrderFilled(n), new OrderFilled(n)], { expectedVersion: ANY_VERSION })),
    );

    const versions = results.flatMap((result) => result.events.map((event) => event.streamVersion)).sort((a, b) => a - b);
    expect(versions).to.deep.equal(Array.from({ length: writers * 2 }, (_, n) => n + 1));
    expect(results.every((result) => result.nextExpectedVersion === result.events[1]!.streamVersion)).to.equal(true);
    const stored = await collect(store.readStream(order));
    expect(stored.map((recorded) => recorded.eventId)).to.deep.equal(
      results
        .flatMap((result) => result.events)
        .sort((a, b) => a.streamVersion - b.streamVersion)
        .map((event) => event.eventId),
    );
  });
});
