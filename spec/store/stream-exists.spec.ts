import { expect } from 'chai';
import { ConcurrencyError, STREAM_EXISTS } from '../../lib';
import { forEachBackend } from '../support/backends';
import { OrderFilled, OrderPlaced } from '../support/domain';
import { collect, expectRejection } from '../support/expect-rejection';

const order = { type: 'Order', id: 'o-1' };

forEachBackend("EventStore.append expecting 'stream-exists'", (backend) => {
  it('refuses a stream with no events, naming the expectation, and writes nothing', async () => {
    const store = await backend.open();
    await store.append({ type: 'Order', id: 'other' }, [new OrderPlaced('other', 'KRW-BTC', 1)]);

    const error = await expectRejection(store.append(order, [new OrderFilled(1)], { expectedVersion: STREAM_EXISTS }), ConcurrencyError);

    expect(error.stream).to.deep.equal(order);
    expect(error.expected).to.equal('stream-exists');
    expect(error.actual).to.equal(0);
    expect(error.message).to.contain('Order/o-1 is at version 0').and.contain('expected an existing stream');
    expect(await store.streamVersion(order)).to.equal(0);
  });

  it('appends to a stream that has events, whatever its version', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 5), new OrderFilled(1), new OrderFilled(1)]);

    const appended = await store.append(order, [new OrderFilled(2)], { expectedVersion: STREAM_EXISTS });

    expect(appended.nextExpectedVersion).to.equal(4);
    expect(appended.events.map((event) => event.streamVersion)).to.deep.equal([4]);
    expect((await collect(store.readStream(order))).map((event) => event.type)).to.deep.equal(['OrderPlaced', 'OrderFilled', 'OrderFilled', 'OrderFilled']);
  });

  it('lets concurrent appends to one existing stream all succeed, at consecutive versions', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 100)]);
    const writers = 12;

    const results = await Promise.all(
      Array.from({ length: writers }, (_, n) => store.append(order, [new OrderFilled(n), new OrderFilled(n)], { expectedVersion: STREAM_EXISTS })),
    );

    const versions = results.flatMap((result) => result.events.map((event) => event.streamVersion)).sort((a, b) => a - b);
    expect(versions).to.deep.equal(Array.from({ length: writers * 2 }, (_, n) => n + 2));
    expect(await store.streamVersion(order)).to.equal(writers * 2 + 1);
  });

  it('answers a retry of a committed append (same event ids) from the log', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 5)]);
    const events = [{ event: new OrderFilled(1), id: '0190f5d2-7b5a-7c1e-8a3b-0000000000e1' }];

    const first = await store.append(order, events, { expectedVersion: STREAM_EXISTS });
    const retry = await store.append(order, events, { expectedVersion: STREAM_EXISTS });

    expect([first.alreadyStored, retry.alreadyStored]).to.deep.equal([false, true]);
    expect(retry.events.map((event) => event.position)).to.deep.equal(first.events.map((event) => event.position));
    expect(await store.streamVersion(order)).to.equal(2);
  });
});
