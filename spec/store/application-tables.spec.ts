import { expect } from 'chai';
import { Dispatcher, DomainEvent, EventHandler, EventStore, On, type HandlerContext } from '../../lib';

/** The application's own tables, as Kysely sees them. */
type Shop = {
  open_orders: { id: string; item: string; quantity: number };
};

@DomainEvent('ShopOrderPlaced')
class ShopOrderPlaced {
  constructor(readonly orderId: string = '') {}
}

@EventHandler('open-order-counter')
class OpenOrderCounter {
  readonly seen: number[] = [];

  @On(ShopOrderPlaced)
  async placed(_event: ShopOrderPlaced, { store }: HandlerContext<Shop>): Promise<void> {
    const rows = await store.db.selectFrom('open_orders').select('quantity').execute();
    this.seen.push(rows.reduce((sum, row) => sum + row.quantity, 0));
  }
}

async function createOpenOrders(store: EventStore): Promise<void> {
  await store.db.schema
    .createTable('open_orders')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('item', 'text', (column) => column.notNull())
    .addColumn('quantity', 'integer', (column) => column.notNull())
    .execute();
}

describe("EventStore with the application's tables", () => {
  it('types store.db and store.transaction with the tables given to open', async () => {
    const store = await EventStore.open<Shop>({ sqlite: ':memory:' });
    try {
      await createOpenOrders(store);
      await store.transaction(async (trx) => {
        await trx.insertInto('open_orders').values({ id: 'o-1', item: 'keyboard', quantity: 1 }).execute();
      });

      const rows: Array<Shop['open_orders']> = await store.db.selectFrom('open_orders').selectAll().execute();
      expect(rows).to.deep.equal([{ id: 'o-1', item: 'keyboard', quantity: 1 }]);
      // @ts-expect-error -- a table the application did not declare does not compile
      store.db.selectFrom('closed_orders');
      // @ts-expect-error -- nor do eventfold's own tables, which are eventfold's to write
      store.db.selectFrom('eventfold_events');
    } finally {
      await store.close();
    }
  });

  it('takes any table name when the application gives no tables', async () => {
    const store = await EventStore.open({ sqlite: ':memory:' });
    try {
      await createOpenOrders(store);
      await store.db.insertInto('open_orders').values({ id: 'o-1', item: 'mouse', quantity: 2 }).execute();

      expect(await store.db.selectFrom('open_orders').select(['item', 'quantity']).execute()).to.deep.equal([{ item: 'mouse', quantity: 2 }]);
    } finally {
      await store.close();
    }
  });

  it("gives a handler's context the store typed with the tables it names", async () => {
    const store = await EventStore.open<Shop>({ sqlite: ':memory:' });
    const counter = new OpenOrderCounter();
    const dispatcher = await Dispatcher.start(store, [counter], { logger: false });
    try {
      await createOpenOrders(store);
      await store.db.insertInto('open_orders').values({ id: 'o-1', item: 'keyboard', quantity: 3 }).execute();
      await store.publish(new ShopOrderPlaced('o-1'));
      await dispatcher.idle();

      expect(counter.seen).to.deep.equal([3]);
    } finally {
      await dispatcher.stop();
      await store.close();
    }
  });
});
