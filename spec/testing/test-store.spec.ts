import { expect } from 'chai';
import { StoreClosedError } from '../../lib';
import { testStore } from '../../lib/testing';
import { closedAfterEach } from '../support/closed-after-each';
import { collect, expectRejection } from '../support/expect-rejection';
import { Order, OrderPlaced } from '../support/domain';

describe('testStore', () => {
  const open = closedAfterEach(testStore);

  it('opens an empty store, with eventfold’s tables, in an SQLite database in memory', async () => {
    const store = await open();
    expect(store.backend.name).to.equal('sqlite');
    expect(await store.headPosition()).to.equal(0);
    await store.repository(Order).save(Order.place('o-1', 'KRW-BTC', 1));
    expect((await store.repository(Order).load('o-1')).volume).to.equal(1);
  });

  it('gives each call a store of its own', async () => {
    const [first, second] = [await open(), await open()];
    await first.append({ type: 'Order', id: 'o-1' }, [new OrderPlaced('o-1', 'KRW-BTC', 1)]);
    expect(await first.headPosition()).to.equal(1);
    expect(await second.headPosition()).to.equal(0);
  });

  it('registers the aggregates and events it is given, so that reading decodes them', async () => {
    const store = await open({ aggregates: [Order] });
    expect(store.eventTypes()).to.deep.equal(['OrderCancelled', 'OrderFilled', 'OrderPlaced']);
  });

  it('keeps nothing once closed', async () => {
    const store = await testStore();
    await store.append({ type: 'Order', id: 'o-1' }, [new OrderPlaced('o-1', 'KRW-BTC', 1)]);
    await store.close();
    await expectRejection(() => collect(store.readAll()), StoreClosedError);
    expect(await (await open()).headPosition()).to.equal(0);
  });
});
