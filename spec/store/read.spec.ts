import { expect } from 'chai';
import { sql } from 'kysely';
import { CorruptEventError, UnknownEventTypeError, type UndecodableEventError } from '../../lib';
import { forEachBackend } from '../support/backends';
import { OrderCancelled, OrderFilled, OrderPlaced } from '../support/domain';
import { collect, expectRejection } from '../support/expect-rejection';

const order = { type: 'Order', id: 'o-1' };

forEachBackend('EventStore.readStream and readAll', (backend) => {
  it('reads one stream in version order, between fromVersion and toVersion', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 9), ...[1, 2, 3, 4].map((n) => new OrderFilled(n))]);
    await store.append({ type: 'Order', id: 'o-2' }, [new OrderCancelled('other stream')]);

    const all = await collect(store.readStream(order));
    const middle = await collect(store.readStream(order, { fromVersion: 2, toVersion: 4 }));

    expect(all.map((e) => e.streamVersion)).to.deep.equal([1, 2, 3, 4, 5]);
    expect(middle.map((e) => (e.event as OrderFilled).volume)).to.deep.equal([1, 2, 3]);
    expect(await collect(store.readStream({ type: 'Order', id: 'missing' }))).to.deep.equal([]);
  });

  it('pages through the whole log from a position, across page boundaries', async () => {
    const store = await backend.open({ pageSize: 7 });
    for (let stream = 0; stream < 5; stream++) {
      await store.append(
        { type: 'Order', id: `o-${stream}` },
        Array.from({ length: 10 }, (_, n) => new OrderFilled(n)),
      );
    }
    await store.waitForReadable();
    const all = await collect(store.readAll());
    const tail = await collect(store.readAll({ from: 21, pageSize: 3 }));
    const window = await collect(store.readAll({ from: 14, to: 15 }));

    expect(all.map((e) => e.position)).to.deep.equal(Array.from({ length: 50 }, (_, n) => n + 1));
    expect(tail.map((e) => e.position)).to.deep.equal(Array.from({ length: 30 }, (_, n) => n + 21));
    expect(window.map((e) => e.position)).to.deep.equal([14, 15]);
  });

  it('queries the database a page at a time instead of loading the log at once', async () => {
    const store = await backend.open();
    await store.append(
      order,
      Array.from({ length: 25 }, (_, n) => new OrderFilled(n)),
    );
    await store.waitForReadable();
    const iterator = store.readAll({ pageSize: 10 })[Symbol.asyncIterator]();
    await iterator.next();
    // After the first event only the first page is fetched: appending now is seen by later pages.
    await store.append(order, [new OrderFilled(99)]);
    await store.waitForReadable();
    const rest: number[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value.position);
    expect(rest).to.have.length(25);
    expect(rest[rest.length - 1]).to.equal(26);
  });

  it('names the position and type of an event whose type no code knows any more', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 1), new OrderCancelled('x')]);
    const reader = await backend.reopen({ events: [OrderPlaced] });
    await reader.waitForReadable();

    const error = await expectRejection(collect(reader.readAll()), UnknownEventTypeError);

    expect(error.code).to.equal('EVENTFOLD_UNKNOWN_EVENT_TYPE');
    expect(error).to.include({ position: 2, type: 'OrderCancelled', streamType: 'Order', streamId: 'o-1', streamVersion: 2 });
    expect(error.message).to.contain('position 2').and.contain("'OrderCancelled'").and.contain("onUndecodable: 'skip'");
  });

  it('skips undecodable events when asked, reporting each to a callback', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 1), new OrderCancelled('x'), new OrderFilled(1)]);
    await store.db.updateTable('eventfold_events').set({ payload: backend.corrupt.json }).where('position', '=', 3).execute();
    const reader = await backend.reopen({ events: [OrderPlaced, OrderFilled] });
    await reader.waitForReadable();

    const skipped = await collect(reader.readAll({ onUndecodable: 'skip' }));
    const reported: UndecodableEventError[] = [];
    const reportedAndSkipped = await collect(reader.readAll({ onUndecodable: (error) => reported.push(error) }));

    expect(skipped.map((e) => e.position)).to.deep.equal([1]);
    expect(reportedAndSkipped.map((e) => e.position)).to.deep.equal([1]);
    expect(reported.map((e) => [e.code, e.position])).to.deep.equal([
      ['EVENTFOLD_UNKNOWN_EVENT_TYPE', 2],
      ['EVENTFOLD_CORRUPT_EVENT', 3],
    ]);
  });

  it('names the position and type of a row whose payload is corrupt', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 1), new OrderFilled(2)]);
    await store.db.updateTable('eventfold_events').set({ payload: backend.corrupt.json }).where('position', '=', 2).execute();

    const error = await expectRejection(collect(store.readStream(order)), CorruptEventError);

    expect(error).to.include({ position: 2, type: 'OrderFilled', code: 'EVENTFOLD_CORRUPT_EVENT' });
    expect(error.message).to.contain('position 2').and.match(backend.corrupt.reason);
  });

  it('reports corrupt metadata and payloads that are not objects as corrupt events', async () => {
    const store = await backend.open();
    await store.append(order, [new OrderFilled(1), new OrderFilled(2)]);
    await store.db.updateTable('eventfold_events').set({ metadata: '["not", "an", "object"]' }).where('position', '=', 1).execute();
    await store.db.updateTable('eventfold_events').set({ payload: '[1,2]' }).where('position', '=', 2).execute();
    await store.waitForReadable();
    const reported: UndecodableEventError[] = [];
    await collect(store.readAll({ onUndecodable: (error) => reported.push(error) }));
    expect(reported.map((e) => [e.code, e.position])).to.deep.equal([
      ['EVENTFOLD_CORRUPT_EVENT', 1],
      ['EVENTFOLD_CORRUPT_EVENT', 2],
    ]);
    expect(reported[0]!.message).to.contain('metadata is not a JSON object');
    expect(reported[1]!.message).to.contain('payload is not a JSON object');
  });

  it('stores a stream id with quotes and SQL in it verbatim, never executing it', async () => {
    const store = await backend.open();
    const hostile = { type: "Order'; DROP TABLE eventfold_events; --", id: `"); DELETE FROM eventfold_events; --'` };
    await store.append(hostile, [new OrderCancelled('it\'s "quoted"')]);
    await store.append(order, [new OrderCancelled('still here')]);

    const [stored] = await collect(store.readStream(hostile));
    expect(stored).to.include({ streamType: hostile.type, streamId: hostile.id });
    expect((stored!.event as OrderCancelled).reason).to.equal('it\'s "quoted"');
    await store.waitForReadable();
    expect(await store.headPosition()).to.equal(2);
    const { rows } = await sql<{ n: number }>`select count(*) as n from eventfold_events`.execute(store.db);
    expect(Number(rows[0]!.n)).to.equal(2);
  });
});
