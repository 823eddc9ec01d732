import { expect } from 'chai';
import { sql, type Generated, type Kysely } from 'kysely';
import {
  ConcurrencyError,
  DomainEvent,
  EventHandler,
  Fold,
  FoldProjection,
  InlineProjectionError,
  InvalidArgumentError,
  NO_STREAM,
  STREAM_EXISTS,
  On,
  Projection,
  type EventStore,
  type FoldRow,
  type ProjectionContext,
} from '../../lib';
import { forEachBackend, type Backend } from '../support/backends';
import { Order, OrderCancelled, OrderFilled, OrderPlaced } from '../support/domain';
import { collect, expectRejection } from '../support/expect-rejection';

@DomainEvent('InlineSpecStockReceived')
class StockReceived {
  constructor(
    readonly sku: string = '',
    readonly quantity: number = 0,
  ) {}
}

interface ReadModels {
  inline_orders: { id: string; market: string; volume: number; filled: number; status: string; version: number; last_position: number };
  inline_stock: { sku: string; on_hand: number };
  inline_audit: { event_id: string; type: string };
  inline_receipts: { seq: Generated<number>; position: number };
}

/** One row per order, as fresh as the last save. */
@Projection('inline-orders')
class OrderSummary {
  @On(OrderPlaced)
  async placed(event: OrderPlaced, { db, recorded }: ProjectionContext<ReadModels>): Promise<void> {
    await db
      .insertInto('inline_orders')
      .values({
        id: event.orderId,
        market: event.market,
        volume: event.volume,
        filled: 0,
        status: 'open',
        version: recorded.streamVersion,
        last_position: recorded.position,
      })
      .execute();
  }

  @On(OrderFilled)
  async filled(event: OrderFilled, { db, recorded }: ProjectionContext<ReadModels>): Promise<void> {
    await db
      .updateTable('inline_orders')
      .set((eb) => ({ filled: eb('filled', '+', event.volume), version: recorded.streamVersion, last_position: recorded.position }))
      .where('id', '=', recorded.streamId)
      .execute();
  }

  @On(OrderCancelled)
  async cancelled(_event: OrderCancelled, { db, recorded }: ProjectionContext<ReadModels>): Promise<void> {
    await db
      .updateTable('inline_orders')
      .set({ status: 'cancelled', version: recorded.streamVersion, last_position: recorded.position })
      .where('id', '=', recorded.streamId)
      .execute();
  }
}

/** Writes a row for every event, so that a rollback has something to undo. */
@Projection('inline-audit')
class Audit {
  @On(OrderPlaced)
  async placed(_event: OrderPlaced, context: ProjectionContext<ReadModels>): Promise<void> {
    await this.note(context);
  }

  @On(OrderFilled)
  async filled(_event: OrderFilled, context: ProjectionContext<ReadModels>): Promise<void> {
    await this.note(context);
  }

  private async note({ db, recorded }: ProjectionContext<ReadModels>): Promise<void> {
    await db.insertInto('inline_audit').values({ event_id: recorded.eventId, type: recorded.type }).execute();
  }
}

/** Refuses to take cancellations, after the projections before it have written theirs. */
@Projection('inline-refuser')
class RefusesCancellations {
  @On(OrderCancelled)
  cancelled(): void {
    throw new Error('cancellations are not accepted');
  }
}

/** Writes to a table that does not exist: the database itself fails the projection's statement. */
@Projection('inline-missing-table')
class WritesMissingTable {
  @On(OrderCancelled)
  async cancelled(_event: OrderCancelled, { db }: ProjectionContext): Promise<void> {
    await db.insertInto('inline_no_such_table').values({ id: 1 }).execute();
  }
}

@FoldProjection<ReadModels>('inline-stock', { table: 'inline_stock', key: 'sku' })
class StockLevels {
  initial(sku: string): FoldRow<ReadModels, 'inline_stock'> {
    return { sku, on_hand: 0 };
  }

  @Fold(StockReceived, (event) => event.sku)
  received(row: FoldRow<ReadModels, 'inline_stock'>, event: StockReceived): void {
    if (event.quantity < 0) throw new Error('a receipt cannot be negative');
    row.on_hand += event.quantity;
  }
}

/** Notes the position of each receipt in the order it applies them. */
@Projection('inline-receipts')
class ReceiptOrder {
  @On(StockReceived)
  async received(_event: StockReceived, { db, position }: ProjectionContext<ReadModels>): Promise<void> {
    await db.insertInto('inline_receipts').values({ position }).execute();
  }
}

@EventHandler('inline-mailer')
class Mailer {
  @On(OrderPlaced)
  placed(): void {}
}

type ReadModelStore = EventStore<ReadModels>;

async function openWith(backend: Backend, inlineProjections: object[]): Promise<ReadModelStore> {
  const store = (await backend.open({ inlineProjections })) as ReadModelStore;
  await createTables(store.db, backend.name);
  return store;
}

async function createTables(db: Kysely<ReadModels>, database: string): Promise<void> {
  await db.schema
    .createTable('inline_receipts')
    .addColumn('seq', database === 'postgres' ? 'serial' : 'integer', (column) => column.primaryKey())
    .addColumn('position', 'integer', (column) => column.notNull())
    .execute();
  await db.schema
    .createTable('inline_orders')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('market', 'text', (column) => column.notNull())
    .addColumn('volume', 'integer', (column) => column.notNull())
    .addColumn('filled', 'integer', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('version', 'integer', (column) => column.notNull())
    .addColumn('last_position', 'integer', (column) => column.notNull())
    .execute();
  await db.schema
    .createTable('inline_stock')
    .addColumn('sku', 'text', (column) => column.primaryKey())
    .addColumn('on_hand', 'integer', (column) => column.notNull())
    .execute();
  await db.schema
    .createTable('inline_audit')
    .addColumn('event_id', 'text', (column) => column.primaryKey())
    .addColumn('type', 'text', (column) => column.notNull())
    .execute();
}

async function summaryOf(store: ReadModelStore, id: string) {
  const row = await store.db.selectFrom('inline_orders').selectAll().where('id', '=', id).executeTakeFirst();
  return row && { ...row, volume: Number(row.volume), filled: Number(row.filled), version: Number(row.version), last_position: Number(row.last_position) };
}

/**
 * Every event row in the log, counted in the table itself: on PostgreSQL the readable head can lag
 * behind a commit while other transactions on the server are open, so it cannot tell whether a
 * rolled-back append left rows behind.
 */
async function storedEventCount(store: ReadModelStore): Promise<number> {
  const { rows } = await sql<{ count: string | number }>`select count(*) as count from eventfold_events`.execute(store.db);
  return Number(rows[0]?.count);
}

async function auditedTypes(store: ReadModelStore): Promise<string[]> {
  const rows = await store.db.selectFrom('inline_audit').select('type').orderBy('type').execute();
  return rows.map((row) => row.type);
}

forEachBackend('Inline projections', (backend) => {
  it('has the read model up to date when repository.save returns, with the positions and versions the events were stored at', async () => {
    const store = await openWith(backend, [new OrderSummary()]);
    const orders = store.repository(Order);
    const placed = await orders.save(Order.place('o-1', 'KRW-BTC', 10));
    expect(await summaryOf(store, 'o-1')).to.deep.equal({
      id: 'o-1',
      market: 'KRW-BTC',
      volume: 10,
      filled: 0,
      status: 'open',
      version: 1,
      last_position: placed!.events[0]!.position,
    });
    const order = await orders.load('o-1');
    order.fill(4);
    order.fill(3);
    const filled = await orders.save(order);
    const stored = await collect(store.readStream({ type: 'Order', id: 'o-1' }));
    expect(filled!.events.map((recorded) => recorded.position)).to.deep.equal(stored.slice(1).map((recorded) => recorded.position));
    expect(await summaryOf(store, 'o-1')).to.include({ filled: 7, version: 3, last_position: stored[2]!.position });
  });

  it('runs on store.append and store.publish as on a save, and ignores events no projection handles', async () => {
    const store = await openWith(backend, [new OrderSummary(), new Audit()]);
    await store.append({ type: 'Order', id: 'o-2' }, [new OrderPlaced('o-2', 'KRW-ETH', 5), new OrderFilled(5)], { expectedVersion: NO_STREAM });
    await store.publish(new StockReceived('bolt', 3));
    expect(await summaryOf(store, 'o-2')).to.include({ market: 'KRW-ETH', filled: 5, version: 2 });
    expect(await auditedTypes(store)).to.deep.equal(['OrderFilled', 'OrderPlaced']);
  });

  it("rejects an append whose projection throws with InlineProjectionError, and keeps neither the events nor any projection's writes", async () => {
    const store = await openWith(backend, [new OrderSummary(), new Audit(), new RefusesCancellations()]);
    const orders = store.repository(Order);
    await orders.save(Order.place('o-3', 'KRW-BTC', 10));
    const storedBefore = await storedEventCount(store);
    const order = await orders.load('o-3');
    order.fill(2);
    order.cancel('changed my mind');
    const error = await expectRejection(orders.save(order), InlineProjectionError);
    expect(error.code).to.equal('EVENTFOLD_INLINE_PROJECTION');
    expect(error).to.include({ projection: 'inline-refuser', eventType: 'OrderCancelled', streamVersion: 3 });
    expect(error.stream).to.deep.equal({ type: 'Order', id: 'o-3' });
    expect((error.cause as Error).message).to.equal('cancellations are not accepted');
    expect(error.message).to.match(/Nothing was appended/);
    // The fill before the cancellation reached the summary and the audit inside the transaction;
    // the rollback took it away with the events.
    expect(await store.streamVersion({ type: 'Order', id: 'o-3' })).to.equal(1);
    expect(await storedEventCount(store)).to.equal(storedBefore);
    expect(await summaryOf(store, 'o-3')).to.include({ filled: 0, status: 'open', version: 1 });
    expect(await auditedTypes(store)).to.deep.equal(['OrderPlaced']);
  });

  it('rolls back the append when the database fails a projection statement, and the store goes on appending', async () => {
    const store = await openWith(backend, [new Audit(), new WritesMissingTable()]);
    const stream = { type: 'Order', id: 'o-4' };
    await store.append(stream, [new OrderPlaced('o-4', 'KRW-BTC', 1)]);
    const error = await expectRejection(store.append(stream, [new OrderFilled(1), new OrderCancelled('late')]), InlineProjectionError);
    expect(error).to.include({ projection: 'inline-missing-table', eventType: 'OrderCancelled' });
    expect(await store.streamVersion(stream)).to.equal(1);
    expect(await auditedTypes(store)).to.deep.equal(['OrderPlaced']);
    const { nextExpectedVersion } = await store.append(stream, [new OrderFilled(1)], { expectedVersion: 1 });
    expect(nextExpectedVersion).to.equal(2);
    expect(await auditedTypes(store)).to.deep.equal(['OrderFilled', 'OrderPlaced']);
  });

  it('answers a retried append from the log without running the projections a second time', async () => {
    const store = await openWith(backend, [new Audit()]);
    const stream = { type: 'Order', id: 'o-7' };
    const placed = { event: new OrderPlaced('o-7', 'KRW-BTC', 1), id: '0190f5e2-7c3a-7000-8000-000000000007' };
    const first = await store.append(stream, [placed]);
    const retried = await store.append(stream, [placed]);
    expect(retried.alreadyStored).to.equal(true);
    expect(retried.events[0]!.position).to.equal(first.events[0]!.position);
    expect(await auditedTypes(store)).to.deep.equal(['OrderPlaced']);
  });

  it('throws ConcurrencyError for a stale save and leaves the read model as it was', async () => {
    const store = await openWith(backend, [new OrderSummary(), new Audit()]);
    const orders = store.repository(Order);
    await orders.save(Order.place('o-5', 'KRW-BTC', 10));
    const first = await orders.load('o-5');
    const second = await orders.load('o-5');
    first.fill(6);
    await orders.save(first);
    second.fill(1);
    const error = await expectRejection(orders.save(second), ConcurrencyError);
    expect(error).to.include({ expected: 1, actual: 2 });
    expect(await summaryOf(store, 'o-5')).to.include({ filled: 6, version: 2 });
    expect(await auditedTypes(store)).to.deep.equal(['OrderFilled', 'OrderPlaced']);
  });

  it("refuses an append expecting 'stream-exists' to a stream with no events, running no projection", async () => {
    const store = await openWith(backend, [new OrderSummary(), new Audit()]);
    const stream = { type: 'Order', id: 'o-absent' };
    const error = await expectRejection(store.append(stream, [new OrderPlaced('o-absent', 'KRW-BTC', 1)], { expectedVersion: STREAM_EXISTS }), ConcurrencyError);
    expect(error).to.include({ expected: STREAM_EXISTS, actual: 0 });
    expect(await store.streamVersion(stream)).to.equal(0);
    expect(await auditedTypes(store)).to.deep.equal([]);
    await store.append(stream, [new OrderPlaced('o-absent', 'KRW-BTC', 1)], { expectedVersion: NO_STREAM });
    await store.append(stream, [new OrderFilled(1)], { expectedVersion: STREAM_EXISTS });
    expect(await summaryOf(store, 'o-absent')).to.include({ filled: 1, version: 2 });
  });

  it('folds the events of an append into their rows for a fold projection, and rolls the rows back with a failing fold', async () => {
    const store = await openWith(backend, [new StockLevels()]);
    const stream = { type: 'Warehouse', id: 'w-1' };
    await store.append(stream, [new StockReceived('bolt', 5), new StockReceived('nut', 2), new StockReceived('bolt', 1)]);
    const rows = async () => (await store.db.selectFrom('inline_stock').selectAll().orderBy('sku').execute()).map((row) => ({ ...row, on_hand: Number(row.on_hand) }));
    expect(await rows()).to.deep.equal([
      { sku: 'bolt', on_hand: 6 },
      { sku: 'nut', on_hand: 2 },
    ]);
    const error = await expectRejection(store.append(stream, [new StockReceived('nut', 4), new StockReceived('bolt', -1)]), InlineProjectionError);
    expect(error).to.include({ projection: 'inline-stock', eventType: 'InlineSpecStockReceived' });
    expect(await rows()).to.deep.equal([
      { sku: 'bolt', on_hand: 6 },
      { sku: 'nut', on_hand: 2 },
    ]);
    expect(await store.streamVersion(stream)).to.equal(3);
  });

  it('applies appends made side by side one at a time, in the order of their positions, losing no change to a shared row', async () => {
    const store = await openWith(backend, [new StockLevels(), new ReceiptOrder()]);
    const appends = Array.from({ length: 24 }, (_, index) => store.append({ type: 'Warehouse', id: `w-${index}` }, [new StockReceived('bolt', 1)]));
    const positions = (await Promise.all(appends)).map((result) => result.events[0]!.position).sort((a, b) => a - b);
    const bolt = await store.db.selectFrom('inline_stock').select('on_hand').where('sku', '=', 'bolt').executeTakeFirstOrThrow();
    expect(Number(bolt.on_hand)).to.equal(24);
    const applied = await store.db.selectFrom('inline_receipts').select('position').orderBy('seq').execute();
    expect(applied.map((row) => Number(row.position))).to.deep.equal(positions);
  });

  it('hands events appended inline to the dispatcher like any others, and refuses to run an inline projection there too', async () => {
    const store = await openWith(backend, [new OrderSummary()]);
    const audit = await backend.dispatch(store, [new Audit()]);
    await store.repository(Order).save(Order.place('o-6', 'KRW-BTC', 1));
    await audit.idle();
    expect(await auditedTypes(store)).to.deep.equal(['OrderPlaced']);
    const error = await expectRejection(backend.dispatch(store, [new OrderSummary()]), InvalidArgumentError);
    expect(error.argument).to.equal("subscriber 'inline-orders'");
    expect(error.message).to.match(/already runs this projection inline/);
  });

  describe('options', () => {
    it('refuses an event handler: its side effects could not be rolled back', async () => {
      const error = await expectRejection(backend.open({ inlineProjections: [new Mailer()] }), InvalidArgumentError);
      expect(error.argument).to.equal('options.inlineProjections[0]');
      expect(error.message).to.match(/'inline-mailer' is an @EventHandler/);
    });

    it('refuses what is not a projection instance, and a value that is not an array', async () => {
      const notDecorated = await expectRejection(backend.open({ inlineProjections: [new OrderSummary(), {}] }), InvalidArgumentError);
      expect(notDecorated.argument).to.equal('options.inlineProjections[1]');
      const notArray = await expectRejection(backend.open({ inlineProjections: new OrderSummary() as unknown as object[] }), InvalidArgumentError);
      expect(notArray.argument).to.equal('options.inlineProjections');
    });

    it('refuses two projections of one name', async () => {
      const error = await expectRejection(backend.open({ inlineProjections: [new OrderSummary(), new OrderSummary()] }), InvalidArgumentError);
      expect(error.message).to.match(/two projections are named 'inline-orders'/);
    });

    for (const [option, value] of [
      ['segments', 2],
      ['concurrency', 2],
      ['retry', { maxAttempts: 3 }],
      ['onFailure', 'park'],
      ['batchSize', 10],
      ['startFrom', 'now'],
      ['priority', 1],
    ] as const) {
      it(`refuses the dispatcher option ${option}, naming it`, async () => {
        @Projection('inline-with-option', { [option]: value })
        class WithOption {
          @On(OrderPlaced)
          placed(): void {}
        }
        const error = await expectRejection(backend.open({ inlineProjections: [new WithOption()] }), InvalidArgumentError);
        expect(error.argument).to.equal(`${option} of inline projection 'inline-with-option'`);
        expect(error.message).to.match(/run the projection with a Dispatcher instead of inline/);
      });
    }
  });
});
