import { expect } from 'chai';
import { DomainEvent, EventHandler, On, Projection, type EventStore, type HandlerContext, type ProjectionContext, type RebuildProgress } from '../../lib';
import { forEachBackend } from '../support/backends';
import { deferred } from '../support/deferred';
import { expectRejection } from '../support/expect-rejection';

@DomainEvent('Deposited')
class Deposited {
  constructor(
    readonly account: string,
    readonly amount: number,
  ) {}
}

@EventHandler('deposit-log')
class DepositLog {
  readonly positions: number[] = [];
  @On(Deposited) deposited(_event: Deposited, { position }: { position: number }): void {
    this.positions.push(position);
  }
}

@Projection('balances', { batchSize: 100 })
class Balances {
  @On(Deposited)
  async deposited(event: Deposited, { db }: ProjectionContext): Promise<void> {
    await db
      .insertInto('balances')
      .values({ account: event.account, total: event.amount })
      .onConflict((oc) => oc.column('account').doUpdateSet((eb) => ({ total: eb('balances.total', '+', event.amount) })))
      .execute();
  }

  async reset(db: ProjectionContext['db']): Promise<void> {
    await db.deleteFrom('balances').execute();
  }
}

async function createBalances(store: EventStore): Promise<void> {
  await store.db.schema
    .createTable('balances')
    .ifNotExists()
    .addColumn('account', 'text', (c) => c.primaryKey())
    .addColumn('total', 'integer', (c) => c.notNull())
    .execute();
}

async function deposit(store: EventStore, count: number, from = 0): Promise<void> {
  const events = Array.from({ length: count }, (_, n) => new Deposited(`acc-${(from + n) % 7}`, 1 + ((from + n) % 5)));
  for (let start = 0; start < events.length; start += 250) {
    await store.append({ type: 'Bank', id: `batch-${from + start}` }, events.slice(start, start + 250));
  }
}

async function balances(store: EventStore): Promise<Record<string, number>> {
  const rows = (await store.db
    .selectFrom('balances' as never)
    .selectAll()
    .execute()) as Array<{ account: string; total: number }>;
  return Object.fromEntries(rows.map((row) => [row.account, Number(row.total)]));
}

function expectedBalances(count: number): Record<string, number> {
  const totals: Record<string, number> = {};
  for (let n = 0; n < count; n++) totals[`acc-${n % 7}`] = (totals[`acc-${n % 7}`] ?? 0) + 1 + (n % 5);
  return totals;
}

forEachBackend('Replay engine', (backend) => {
  it('starts a new subscriber at the beginning of the log, or at its head when it asks', async () => {
    const store = await backend.open();
    await deposit(store, 10);
    @EventHandler('late-joiner', { startFrom: 'now' })
    class LateJoiner {
      readonly positions: number[] = [];
      @On(Deposited) deposited(_event: Deposited, { position }: { position: number }): void {
        this.positions.push(position);
      }
    }
    const fromStart = new DepositLog();
    const fromNow = new LateJoiner();
    const dispatcher = await backend.dispatch(store, [fromStart, fromNow]);
    await deposit(store, 2, 10);
    await dispatcher.idle();

    expect(fromStart.positions).to.deep.equal(Array.from({ length: 12 }, (_, n) => n + 1));
    expect(fromNow.positions).to.deep.equal([11, 12]);
  });

  it('redelivers on start every event not finished before the last stop, and nothing finished', async () => {
    const store = await backend.open();
    await createBalances(store);
    await deposit(store, 300);
    const first = await backend.dispatch(store, [new DepositLog(), new Balances()]);
    await first.idle();
    await first.stop();
    await deposit(store, 200, 300);

    const log = new DepositLog();
    const second = await backend.dispatch(store, [log, new Balances()]);
    await second.idle();

    expect(log.positions).to.deep.equal(Array.from({ length: 200 }, (_, n) => n + 301));
    expect(await balances(store)).to.deep.equal(expectedBalances(500));
  });

  it('switches from catching up to live delivery without a gap or a duplicate at the seam', async () => {
    const store = await backend.open();
    await deposit(store, 2000);
    // On PostgreSQL a transaction elsewhere on the server can hold the readable head back; a
    // subscriber that reached it would turn live short of position 1000. The log must be readable
    // to its end for the subscriber to be catching up when it is held there.
    await store.waitForReadable();
    const halfway = deferred();
    const gate = deferred();
    // Holds the subscriber halfway through the log, with little in memory, so that it is still
    // reading the log page by page while the first appends land.
    @EventHandler('deposit-log', { bufferSize: 100 })
    class HeldLog {
      readonly positions: number[] = [];
      @On(Deposited) async deposited(_event: Deposited, { position }: HandlerContext): Promise<void> {
        if (position === 1000) {
          halfway.resolve();
          await gate.promise;
        }
        this.positions.push(position);
      }
    }
    const log = new HeldLog();
    const dispatcher = await backend.dispatch(store, [log], { pageSize: 50 });
    await halfway.promise;
    for (let n = 0; n < 20; n++) await deposit(store, 5, 2000 + n * 5);
    const stateWhileHeld = dispatcher.stats()[0]!.state;
    gate.resolve();
    // The rest land while it reads the remainder of the log and turns live.
    for (let n = 20; n < 40; n++) await deposit(store, 5, 2000 + n * 5);
    await dispatcher.idle();

    expect(stateWhileHeld).to.equal('catching-up');
    expect(log.positions).to.deep.equal(Array.from({ length: 2200 }, (_, n) => n + 1));
    expect(dispatcher.stats()[0]!.state).to.equal('live');
  });

  it('rebuilds a projection from scratch with progress reports, then carries on live', async () => {
    const store = await backend.open();
    await createBalances(store);
    await deposit(store, 3000);
    const dispatcher = await backend.dispatch(store, [new Balances()]);
    await dispatcher.idle();
    await store.db
      .updateTable('balances' as never)
      .set({ total: -1 } as never)
      .execute();
    const reports: RebuildProgress[] = [];

    const result = await dispatcher.rebuild('balances', { onProgress: (progress) => reports.push(progress), progressIntervalMs: 0, batchSize: 500 });
    await deposit(store, 10, 3000);
    await dispatcher.idle();

    expect(result).to.include({ done: 3000, total: 3000 });
    expect(reports.length).to.be.greaterThan(2);
    expect(reports.map((report) => report.done)).to.satisfy((done: number[]) => done.every((value, index) => index === 0 || value >= done[index - 1]!));
    expect(reports[reports.length - 1]).to.include({ done: 3000, total: 3000 });
    expect(result.rate).to.be.greaterThan(0);
    expect(await balances(store)).to.deep.equal(expectedBalances(3010));
  });

  it('refuses to rebuild a handler, an unknown name, or a projection without reset()', async () => {
    const store = await backend.open();
    @Projection('no-reset')
    class NoReset {
      @On(Deposited) deposited(): void {}
    }
    const dispatcher = await backend.dispatch(store, [new DepositLog(), new NoReset()]);
    const unknown = await expectRejection(dispatcher.rebuild('nope'), Error);
    expect(unknown.message).to.equal("No subscriber is named 'nope'. Known subscribers: deposit-log, no-reset.");
    await expectRejection(dispatcher.rebuild('deposit-log'), Error);
    const noReset = await expectRejection(dispatcher.rebuild('no-reset'), Error);
    expect((noReset as { code?: string }).code).to.equal('EVENTFOLD_REBUILD_NOT_SUPPORTED');
  });
});

type Model = { counted: { id: string; n: number } };

@DomainEvent('Counted')
class Counted {
  constructor(readonly n: number) {}
}

forEachBackend('Rebuilding while catching up', (backend) => {
  it('replays every event even when the projection was still reading the log as the rebuild began', async () => {
    const store = await backend.open({ events: [Counted] });
    await store.db.schema
      .createTable('counted')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('n', 'integer')
      .execute();
    let holdAt = -1;
    const held = deferred();
    const gate = deferred();
    // Little in memory, so that while catching up it reads the log a page at a time.
    @Projection('counter', { batchSize: 50, bufferSize: 100 })
    class Counter {
      @On(Counted) async counted(event: Counted, { db }: ProjectionContext<Model>): Promise<void> {
        if (event.n === holdAt) {
          holdAt = -1;
          held.resolve();
          await gate.promise;
        }
        await db
          .insertInto('counted')
          .values({ id: String(event.n), n: event.n })
          .execute();
      }
      async reset(db: ProjectionContext<Model>['db']): Promise<void> {
        await db.deleteFrom('counted').execute();
      }
    }
    const append = async (from: number, to: number) => {
      for (let batch = from; batch < to; batch++) {
        await store.append(
          { type: 'Counter', id: `c-${batch % 5}` },
          Array.from({ length: 50 }, (_, n) => new Counted(batch * 50 + n)),
        );
      }
    };
    await append(0, 20);
    const first = await backend.dispatch(store, [new Counter()], { pageSize: 100 });
    await first.idle();
    await first.stop();
    await append(20, 40);
    // On PostgreSQL a transaction elsewhere on the server can hold the readable head back, and a
    // subscriber that reached it turns live: the log must be readable to its end for the subscriber
    // to be catching up at event 1100.
    await store.waitForReadable();

    // Started with 1,000 events to catch up on, and held in the middle of them until the rebuild
    // has begun.
    holdAt = 1100;
    const dispatcher = await backend.dispatch(store, [new Counter()], { pageSize: 100 });
    await held.promise;
    const stateWhenRebuilt = dispatcher.stats()[0]!.state;
    const rebuilding = dispatcher.rebuild('counter');
    gate.resolve();
    const result = await rebuilding;
    await dispatcher.idle();

    expect(stateWhenRebuilt).to.equal('catching-up');
    expect(result).to.include({ done: 2000, total: 2000 });
    const rows = await (store.db as unknown as import('kysely').Kysely<Model>).selectFrom('counted').select('n').execute();
    expect(rows.length).to.equal(2000);
  });
});
