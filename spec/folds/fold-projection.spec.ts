import { expect } from 'chai';
import { sql, type Kysely } from 'kysely';
import { DomainEvent, Fold, FoldProjection, InvalidArgumentError, type FoldContext, type FoldRow } from '../../lib';
import { forEachBackend, type Backend } from '../support/backends';
import { until } from '../support/until';

@DomainEvent('FoldSpecReceived')
class StockReceived {
  constructor(
    readonly sku: string = '',
    readonly warehouse: string = '',
    readonly quantity: number = 0,
  ) {}
}

@DomainEvent('FoldSpecShipped')
class StockShipped {
  constructor(
    readonly sku: string = '',
    readonly warehouse: string = '',
    readonly quantity: number = 0,
  ) {}
}

@DomainEvent('FoldSpecDiscontinued')
class Discontinued {
  constructor(
    readonly sku: string = '',
    readonly warehouse: string = '',
  ) {}
}

@DomainEvent('FoldSpecTransferred')
class Transferred {
  constructor(
    readonly from: string = '',
    readonly to: string = '',
    readonly amount: number = 0,
  ) {}
}

interface ReadModels {
  fold_accounts: { id: string; balance: number; transfers: number };
  fold_stock: { sku: string; on_hand: number; movements: number; last_position: number };
  fold_bins: { warehouse: string; sku: string; on_hand: number };
  fold_streams: { id: string; events: number };
}

type Stock = FoldRow<ReadModels, 'fold_stock'>;
type Bin = FoldRow<ReadModels, 'fold_bins'>;

@FoldProjection<ReadModels>('fold-stock', { table: 'fold_stock', key: 'sku' })
class StockLevels {
  initial(sku: string): Stock {
    return { sku, on_hand: 0, movements: 0, last_position: 0 };
  }

  @Fold(StockReceived, (event) => event.sku)
  received(stock: Stock, event: StockReceived, { position }: FoldContext): void {
    stock.on_hand += event.quantity;
    stock.movements += 1;
    stock.last_position = position;
  }

  @Fold(StockShipped, (event) => event.sku)
  shipped(stock: Stock, event: StockShipped, { position }: FoldContext): Stock {
    return { ...stock, on_hand: stock.on_hand - event.quantity, movements: stock.movements + 1, last_position: position };
  }

  @Fold(Discontinued, (event) => event.sku)
  discontinued(): null {
    return null;
  }
}

/** Keyed by two columns. */
@FoldProjection<ReadModels>('fold-bins', { table: 'fold_bins', key: ['warehouse', 'sku'] })
class Bins {
  initial([warehouse, sku]: [string, string]): Bin {
    return { warehouse, sku, on_hand: 0 };
  }

  @Fold(StockReceived, (event) => [event.warehouse, event.sku])
  received(bin: Bin, event: StockReceived): void {
    bin.on_hand += event.quantity;
  }

  @Fold(StockShipped, (event) => [event.warehouse, event.sku])
  shipped(bin: Bin, event: StockShipped): void {
    bin.on_hand -= event.quantity;
  }
}

/** Keyed by stream, the default: one row per stream. */
@FoldProjection<ReadModels>('fold-streams', { table: 'fold_streams', key: 'id' })
class EventsPerStream {
  initial(): Omit<FoldRow<ReadModels, 'fold_streams'>, 'id'> {
    return { events: 0 };
  }

  @Fold(StockReceived)
  received(row: FoldRow<ReadModels, 'fold_streams'>): void {
    row.events += 1;
  }
}

/** One event, two rows: the account it leaves and the one it reaches. */
@FoldProjection<ReadModels>('fold-accounts', { table: 'fold_accounts', key: 'id' })
class Accounts {
  initial(id: string): FoldRow<ReadModels, 'fold_accounts'> {
    return { id, balance: 0, transfers: 0 };
  }

  @Fold(Transferred, { keys: (event) => (event.from === event.to ? [] : [event.from, event.to]) })
  transferred(account: FoldRow<ReadModels, 'fold_accounts'>, event: Transferred, { key }: FoldContext): void {
    account.balance += key === event.to ? event.amount : -event.amount;
    account.transfers += 1;
  }
}

async function createTables(db: Kysely<ReadModels>): Promise<void> {
  await db.schema
    .createTable('fold_accounts')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('balance', 'integer', (column) => column.notNull())
    .addColumn('transfers', 'integer', (column) => column.notNull())
    .execute();
  await db.schema
    .createTable('fold_stock')
    .addColumn('sku', 'text', (column) => column.primaryKey())
    .addColumn('on_hand', 'integer', (column) => column.notNull())
    .addColumn('movements', 'integer', (column) => column.notNull())
    .addColumn('last_position', 'integer', (column) => column.notNull())
    .execute();
  await db.schema
    .createTable('fold_bins')
    .addColumn('warehouse', 'text', (column) => column.notNull())
    .addColumn('sku', 'text', (column) => column.notNull())
    .addColumn('on_hand', 'integer', (column) => column.notNull())
    .addPrimaryKeyConstraint('fold_bins_key', ['warehouse', 'sku'])
    .execute();
  await db.schema
    .createTable('fold_streams')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('events', 'integer', (column) => column.notNull())
    .execute();
}

async function openStore(backend: Backend) {
  const store = await backend.open();
  await createTables(store.db);
  return store as unknown as Awaited<ReturnType<Backend['open']>> & { db: Kysely<ReadModels> };
}

/** Receipts and shipments over `skus` products in two warehouses, and what they should fold to. */
function movements(count: number, skus: number) {
  const events: Array<StockReceived | StockShipped> = [];
  const expected = new Map<string, { on_hand: number; movements: number }>();
  for (let index = 0; index < count; index++) {
    const sku = `sku-${index % skus}`;
    const warehouse = index % 3 === 0 ? 'north' : 'south';
    const quantity = (index % 7) + 1;
    const receipt = index % 4 !== 3;
    events.push(receipt ? new StockReceived(sku, warehouse, quantity) : new StockShipped(sku, warehouse, quantity));
    const row = expected.get(sku) ?? { on_hand: 0, movements: 0 };
    expected.set(sku, { on_hand: row.on_hand + (receipt ? quantity : -quantity), movements: row.movements + 1 });
  }
  return { events, expected };
}

forEachBackend('Fold projections', (backend) => {
  it('folds every event into one row per key, catching up and live, with the position of the last event', async () => {
    const store = await openStore(backend);
    const { events, expected } = movements(500, 40);
    await store.append({ type: 'Warehouse', id: 'w-1' }, events.slice(0, 300));
    const dispatcher = await backend.dispatch(store, [new StockLevels()]);
    await dispatcher.idle();
    await store.append({ type: 'Warehouse', id: 'w-1' }, events.slice(300));
    await dispatcher.idle();
    const rows = await store.db.selectFrom('fold_stock').selectAll().orderBy('sku').execute();
    expect(rows).to.have.length(40);
    for (const row of rows) {
      expect({ on_hand: Number(row.on_hand), movements: Number(row.movements) }, row.sku).to.deep.equal(expected.get(row.sku));
    }
    const head = await store.headPosition();
    const last = await store.db
      .selectFrom('fold_stock')
      .select(sql<number>`max(last_position)`.as('last'))
      .executeTakeFirstOrThrow();
    expect(Number(last.last)).to.equal(head);
  });

  it('keys rows by several columns, and by stream id when @Fold names no key', async () => {
    const store = await openStore(backend);
    await store.append({ type: 'Warehouse', id: 'w-1' }, [new StockReceived('bolt', 'north', 5), new StockReceived('bolt', 'south', 2)]);
    await store.append({ type: 'Warehouse', id: 'w-2' }, [new StockReceived('bolt', 'north', 1), new StockShipped('bolt', 'north', 4)]);
    const dispatcher = await backend.dispatch(store, [new Bins(), new EventsPerStream()]);
    await dispatcher.idle();
    const bins = await store.db.selectFrom('fold_bins').selectAll().orderBy('warehouse').execute();
    expect(bins.map((bin) => ({ ...bin, on_hand: Number(bin.on_hand) }))).to.deep.equal([
      { warehouse: 'north', sku: 'bolt', on_hand: 2 },
      { warehouse: 'south', sku: 'bolt', on_hand: 2 },
    ]);
    const streams = await store.db.selectFrom('fold_streams').selectAll().orderBy('id').execute();
    expect(streams.map((row) => ({ ...row, events: Number(row.events) }))).to.deep.equal([
      { id: 'w-1', events: 2 },
      { id: 'w-2', events: 1 },
    ]);
  });

  it('folds an event into each of several rows when @Fold gives keys, and into none for an empty array', async () => {
    const store = await openStore(backend);
    await store.append({ type: 'Ledger', id: 'l-1' }, [new Transferred('alice', 'bob', 30), new Transferred('bob', 'carol', 10), new Transferred('carol', 'carol', 99)]);
    const dispatcher = await backend.dispatch(store, [new Accounts()]);
    await dispatcher.idle();
    const accounts = await store.db.selectFrom('fold_accounts').selectAll().orderBy('id').execute();
    expect(accounts.map((row) => ({ ...row, balance: Number(row.balance), transfers: Number(row.transfers) }))).to.deep.equal([
      { id: 'alice', balance: -30, transfers: 1 },
      { id: 'bob', balance: 20, transfers: 2 },
      { id: 'carol', balance: 10, transfers: 1 },
    ]);
  });

  it('deletes a row whose fold returns null, and starts a key again from initial after that', async () => {
    const store = await openStore(backend);
    const dispatcher = await backend.dispatch(store, [new StockLevels()]);
    await store.append({ type: 'Warehouse', id: 'w-1' }, [new StockReceived('bolt', 'north', 5), new StockReceived('nut', 'north', 3)]);
    await dispatcher.idle();
    // Deleted in one batch, then deleted and started again within one batch.
    await store.append({ type: 'Warehouse', id: 'w-1' }, [new Discontinued('bolt', 'north')]);
    await store.append({ type: 'Warehouse', id: 'w-1' }, [new Discontinued('nut', 'north'), new StockReceived('nut', 'north', 9)]);
    await dispatcher.idle();
    const rows = await store.db.selectFrom('fold_stock').select(['sku', 'on_hand', 'movements']).execute();
    expect(rows.map((row) => ({ ...row, on_hand: Number(row.on_hand), movements: Number(row.movements) }))).to.deep.equal([{ sku: 'nut', on_hand: 9, movements: 1 }]);
  });

  it('rebuilds blue/green into a copy of its table, folding the whole log again', async () => {
    const store = await openStore(backend);
    const { events, expected } = movements(200, 10);
    await store.append({ type: 'Warehouse', id: 'w-1' }, events);
    const dispatcher = await backend.dispatch(store, [new StockLevels()]);
    await dispatcher.idle();
    await store.db.updateTable('fold_stock').set({ on_hand: -1 }).execute();
    await store.db.insertInto('fold_stock').values({ sku: 'stray', on_hand: 1, movements: 1, last_position: 0 }).execute();
    const result = await dispatcher.rebuild('fold-stock');
    expect(result.done).to.equal(200);
    const rows = await store.db.selectFrom('fold_stock').selectAll().execute();
    expect(rows).to.have.length(10);
    for (const row of rows) expect(Number(row.on_hand), row.sku).to.equal(expected.get(row.sku)?.on_hand);
  });

  it('halts on an event whose fold fails, with the events before it written and none after', async () => {
    @FoldProjection<ReadModels>('fold-picky', { table: 'fold_stock', key: 'sku', retry: { maxAttempts: 1 } })
    class Picky {
      initial(sku: string): Stock {
        return { sku, on_hand: 0, movements: 0, last_position: 0 };
      }

      @Fold(StockReceived, (event) => event.sku)
      received(stock: Stock, event: StockReceived): void {
        if (event.quantity > 100) throw new Error('too many to fit');
        stock.on_hand += event.quantity;
      }
    }
    const store = await openStore(backend);
    await store.append({ type: 'Warehouse', id: 'w-1' }, [
      new StockReceived('bolt', 'north', 5),
      new StockReceived('nut', 'north', 2),
      new StockReceived('bolt', 'north', 500),
      new StockReceived('nut', 'north', 7),
    ]);
    const dispatcher = await backend.dispatch(store, [new Picky()]);
    await until(() => dispatcher.stats()[0]?.state === 'halted', 'the projection never halted');
    const [stats] = dispatcher.stats();
    expect(stats?.checkpoint).to.equal(2);
    expect(stats?.haltedReason).to.match(/too many to fit/);
    const rows = await store.db.selectFrom('fold_stock').select(['sku', 'on_hand']).orderBy('sku').execute();
    expect(rows.map((row) => ({ ...row, on_hand: Number(row.on_hand) }))).to.deep.equal([
      { sku: 'bolt', on_hand: 5 },
      { sku: 'nut', on_hand: 2 },
    ]);
  });

  it('refuses a fold that returns a promise, and a bad key, naming the projection, the position and the fix', async () => {
    @FoldProjection<ReadModels>('fold-async', { table: 'fold_stock', key: 'sku', retry: { maxAttempts: 1 } })
    class Async {
      initial(sku: string): Stock {
        return { sku, on_hand: 0, movements: 0, last_position: 0 };
      }

      @Fold(StockReceived, (event) => event.sku)
      async received(stock: Stock): Promise<void> {
        stock.on_hand += 1;
      }
    }
    @FoldProjection<ReadModels>('fold-bad-key', { table: 'fold_bins', key: ['warehouse', 'sku'], retry: { maxAttempts: 1 } })
    class BadKey {
      initial(): Bin {
        return { warehouse: '', sku: '', on_hand: 0 };
      }

      @Fold(StockReceived, (event) => event.sku)
      received(): void {}
    }
    const store = await openStore(backend);
    await store.append({ type: 'Warehouse', id: 'w-1' }, [new StockReceived('bolt', 'north', 5)]);
    const dispatcher = await backend.dispatch(store, [new Async(), new BadKey()]);
    await until(() => dispatcher.stats().every((stats) => stats.state === 'halted'), 'the projections never halted');
    const reasons = Object.fromEntries(dispatcher.stats().map((stats) => [stats.name, stats.haltedReason]));
    expect(reasons['fold-async']).to.match(/'fold-async' at position 1: the fold of FoldSpecReceived returned a promise\. Fold methods must be synchronous/);
    expect(reasons['fold-bad-key']).to.match(/'fold-bad-key' at position 1: .*must be an array of 2 values, for columns warehouse, sku; got "bolt"/);
    expect(await store.db.selectFrom('fold_stock').selectAll().execute()).to.deep.equal([]);
  });

  it('folds a parked event into its row when its dead letter is retried, once', async () => {
    const refused = new Set(['nut']);
    @FoldProjection<ReadModels>('fold-parking', { table: 'fold_stock', key: 'sku', onFailure: 'park', retry: { maxAttempts: 1 } })
    class Parking {
      initial(sku: string): Stock {
        return { sku, on_hand: 0, movements: 0, last_position: 0 };
      }

      @Fold(StockReceived, (event) => event.sku)
      received(stock: Stock, event: StockReceived, { position }: FoldContext): void {
        if (refused.has(event.sku)) throw new Error('not stocked here');
        stock.on_hand += event.quantity;
        stock.last_position = position;
      }
    }
    const store = await openStore(backend);
    const dispatcher = await backend.dispatch(store, [new Parking()]);
    await store.append({ type: 'Warehouse', id: 'w-1' }, [new StockReceived('bolt', 'north', 5), new StockReceived('nut', 'north', 2)]);
    await dispatcher.idle();
    const [letter] = await dispatcher.deadLetters();
    expect(letter?.position).to.equal(2);
    refused.clear();
    expect(await dispatcher.retryDeadLetter(letter!.id)).to.equal(true);
    await dispatcher.idle();
    const rows = await store.db.selectFrom('fold_stock').select(['sku', 'on_hand', 'last_position']).orderBy('sku').execute();
    expect(rows.map((row) => ({ sku: row.sku, on_hand: Number(row.on_hand), last_position: Number(row.last_position) }))).to.deep.equal([
      { sku: 'bolt', on_hand: 5, last_position: 1 },
      { sku: 'nut', on_hand: 2, last_position: 2 },
    ]);
    expect(await dispatcher.deadLetters()).to.deep.equal([]);
  });

  it('refuses segments for a fold projection that picks its own keys, and takes them for one keyed by stream', async () => {
    @FoldProjection<ReadModels>('fold-split-by-sku', { table: 'fold_stock', key: 'sku', segments: 2 })
    class SplitBySku {
      initial(sku: string): Stock {
        return { sku, on_hand: 0, movements: 0, last_position: 0 };
      }

      @Fold(StockReceived, (event) => event.sku)
      received(): void {}
    }
    @FoldProjection<ReadModels>('fold-split-by-stream', { table: 'fold_streams', key: 'id', segments: 2 })
    class SplitByStream extends EventsPerStream {}
    const store = await openStore(backend);
    const refused = await backend.dispatch(store, [new SplitBySku()]).catch((error: unknown) => error);
    expect(refused)
      .to.be.instanceOf(InvalidArgumentError)
      .with.property('message')
      .that.matches(/cannot be split into segments, since two segments would fold into the same row/);
    await store.append({ type: 'Warehouse', id: 'w-1' }, [new StockReceived('bolt', 'north', 5)]);
    await store.append({ type: 'Warehouse', id: 'w-2' }, [new StockReceived('bolt', 'north', 1), new StockReceived('nut', 'north', 1)]);
    const dispatcher = await backend.dispatch(store, [new SplitByStream()]);
    await dispatcher.idle();
    const streams = await store.db.selectFrom('fold_streams').selectAll().orderBy('id').execute();
    expect(streams.map((row) => ({ ...row, events: Number(row.events) }))).to.deep.equal([
      { id: 'w-1', events: 1 },
      { id: 'w-2', events: 2 },
    ]);
  });

  it('refuses a class without initial or without @Fold methods when the dispatcher starts', async () => {
    @FoldProjection<ReadModels>('fold-no-initial', { table: 'fold_stock', key: 'sku' })
    class NoInitial {
      @Fold(StockReceived, (event) => event.sku)
      received(): void {}
    }
    @FoldProjection<ReadModels>('fold-no-folds', { table: 'fold_stock', key: 'sku' })
    class NoFolds {
      initial(sku: string): Stock {
        return { sku, on_hand: 0, movements: 0, last_position: 0 };
      }
    }
    const store = await openStore(backend);
    const noInitial = await backend.dispatch(store, [new NoInitial()]).catch((error: unknown) => error);
    expect(noInitial)
      .to.be.instanceOf(InvalidArgumentError)
      .and.to.have.property('message')
      .that.matches(/NoInitial needs an initial\(key, event\) method/);
    const noFolds = await backend.dispatch(store, [new NoFolds()]).catch((error: unknown) => error);
    expect(noFolds)
      .to.be.instanceOf(InvalidArgumentError)
      .and.to.have.property('message')
      .that.matches(/NoFolds has no @Fold\(EventClass\) methods/);
  });
});

describe('@FoldProjection', () => {
  it('refuses options without a table or a key column, saying what to give', () => {
    expect(() => FoldProjection('x', { table: '', key: 'sku' })).to.throw(InvalidArgumentError, /expected the name of the read-model table/);
    expect(() => FoldProjection('x', { table: 'fold_stock', key: [] })).to.throw(InvalidArgumentError, /expected the key column of 'fold_stock'/);
    expect(() => FoldProjection('x', undefined as never)).to.throw(InvalidArgumentError, /give the table and its key column/);
    expect(() => Fold(StockReceived, 'sku' as never)).to.throw(InvalidArgumentError, /pass a function from the event to its row key/);
  });
});
