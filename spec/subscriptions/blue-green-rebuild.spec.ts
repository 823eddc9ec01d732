import { expect } from 'chai';
import { sql } from 'kysely';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Dispatcher, EventStore, On, Projection, type ProjectionContext } from '../../lib';
import { forEachBackend, temporaryFolder } from '../support/backends';
import { balances, BgBalances, BgDeposited, createBgBalancesTable as createTable, deposit, expectedBalances, type Balances } from '../support/blue-green-fixtures';
import { deferred } from '../support/deferred';
import { expectRejection } from '../support/expect-rejection';

/** The tables of the store's database (its schema, on PostgreSQL) whose names start with `prefix`. */
async function tablesNamed(store: EventStore, backend: { readonly name: string }, prefix: string): Promise<string[]> {
  const query =
    backend.name === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'table' and name like ${`${prefix}%`} order by name`
      : sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema() and tablename like ${`${prefix}%`} order by tablename`;
  return (await query.execute(store.db)).rows.map((row) => row.name);
}

const sqliteBackendName = { name: 'sqlite' };

async function checkpointOf(store: EventStore, name: string): Promise<number> {
  const row = await store.db.selectFrom('eventfold_subscriptions').select('position').where('name', '=', name).executeTakeFirstOrThrow();
  return Number(row.position);
}

forEachBackend('Blue/green rebuild', (backend) => {
  afterEach(() => (BgBalances.onEvent = undefined));

  it('keeps answering queries from the whole old read model while the rebuild runs, then switches to the rebuilt one', async function () {
    // On PostgreSQL each upsert is a round trip, and the reader competes with the rebuild for them.
    this.timeout(90_000);
    const store = await backend.open({ events: [BgDeposited] });
    await createTable(store);
    const count = 2000;
    await deposit(store, count);
    const dispatcher = await backend.dispatch(store, [new BgBalances()]);
    await dispatcher.idle();
    const expected = expectedBalances(count);
    expect(await balances(store)).to.deep.equal(expected);

    // Held a third of the way through the replay, so that a read is known to happen mid-rebuild.
    const held = deferred();
    const gate = deferred();
    BgBalances.onEvent = async (event) => {
      if (event.n !== 700) return;
      held.resolve();
      await gate.promise;
    };
    // And a reader that queries the read model over and over, the whole time.
    const seen: Balances[] = [];
    let rebuilding = true;
    const reader = (async () => {
      while (rebuilding) {
        seen.push(await balances(store));
        // better-sqlite3 answers at once: without a turn of the event loop between reads, the
        // reader would keep the rebuild from ever being scheduled.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();

    const rebuild = dispatcher.rebuild('bg-balances', { batchSize: 100 });
    await held.promise;
    // On SQLite these reads wait for the batch in progress; on PostgreSQL they are answered at once.
    const tablesWhileHeld = tablesNamed(store, backend, 'bg_balances');
    const readWhileHeld = balances(store);
    gate.resolve();
    const copiesWhileHeld = await tablesWhileHeld;
    const whileHeld = await readWhileHeld;
    const result = await rebuild;
    rebuilding = false;
    await reader;
    await deposit(store, 10, count);
    await dispatcher.idle();

    expect(result).to.include({ done: count, total: count });
    expect(copiesWhileHeld).to.deep.equal(['bg_balances', 'bg_balances__rebuilding']);
    expect(whileHeld).to.deep.equal(expected);
    expect(seen.length).to.be.greaterThan(1);
    for (const answer of seen) expect(answer).to.deep.equal(expected);
    expect(await tablesNamed(store, backend, 'bg_balances')).to.deep.equal(['bg_balances']);
    expect(await balances(store)).to.deep.equal(expectedBalances(count + 10));
    expect(await checkpointOf(store, 'bg-balances')).to.equal(count + 10);
  });

  it('keeps the keys and indexes of the table across rebuilds, one after another', async () => {
    const store = await backend.open({ events: [BgDeposited] });
    await createTable(store);
    await deposit(store, 500);
    const dispatcher = await backend.dispatch(store, [new BgBalances()]);
    await dispatcher.idle();

    await dispatcher.rebuild('bg-balances');
    await dispatcher.rebuild('bg-balances');
    await dispatcher.rebuild('bg-balances');
    await deposit(store, 10, 500);
    await dispatcher.idle();

    expect(await balances(store)).to.deep.equal(expectedBalances(510));
    const indexes =
      backend.name === 'sqlite'
        ? (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'bg_balances' and sql is not null`.execute(store.db)).rows
        : (await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema() and tablename = 'bg_balances'`.execute(store.db))
            .rows;
    const names = indexes.map((index) => index.name).sort();
    // SQLite cannot rename an index: its name alternates between two from one rebuild to the next.
    expect(names).to.deep.equal(backend.name === 'sqlite' ? ['bg_balances_by_total__next'] : ['bg_balances_by_total', 'bg_balances_pkey']);
    // The primary key holds on the table that replaced the original.
    const duplicate = store.db
      .insertInto('bg_balances' as never)
      .values({ account: 'acc-0', total: 1, deposits: 1 } as never)
      .execute();
    await expectRejection(duplicate, Error);
  });

  it('rebuilds a projection split into segments into one copy, switched for all of them at once', async () => {
    const store = await backend.open({ events: [BgDeposited] });
    await createTable(store);
    await deposit(store, 1200);
    @Projection('bg-segmented', { tables: ['bg_balances'], segments: 3 })
    class SegmentedBalances extends BgBalances {}
    const dispatcher = await backend.dispatch(store, [new SegmentedBalances()]);
    await dispatcher.idle();

    const result = await dispatcher.rebuild('bg-segmented', { batchSize: 100 });
    await deposit(store, 10, 1200);
    await dispatcher.idle();

    expect(result).to.include({ done: 1200, total: 1200 });
    expect(await tablesNamed(store, backend, 'bg_balances')).to.deep.equal(['bg_balances']);
    expect(await balances(store)).to.deep.equal(expectedBalances(1210));
  });

  it('undoes a rebuild that fails: the copies go, the old table and its checkpoint stay, and the projection goes on', async () => {
    const store = await backend.open({ events: [BgDeposited] });
    await createTable(store);
    await deposit(store, 1000);
    const dispatcher = await backend.dispatch(store, [new BgBalances()]);
    await dispatcher.idle();
    BgBalances.onEvent = async (event) => {
      if (event.n === 600) throw new Error('the rebuild trips on event 600');
    };

    const failure = await expectRejection(dispatcher.rebuild('bg-balances', { batchSize: 100 }), Error);
    BgBalances.onEvent = undefined;
    await deposit(store, 10, 1000);
    await dispatcher.idle();

    expect((failure as { code?: string }).code).to.equal('EVENTFOLD_REBUILD_FAILED');
    expect(failure.message).to.contain('the read model is as it was before the rebuild');
    expect(await tablesNamed(store, backend, 'bg_balances')).to.deep.equal(['bg_balances']);
    expect(await dispatcher.deadLetters()).to.deep.equal([]);
    expect(await balances(store)).to.deep.equal(expectedBalances(1010));
    expect(await checkpointOf(store, 'bg-balances')).to.equal(1010);
    expect(dispatcher.stats()[0]!.state).to.equal('live');
  });

  it('sends hand-written SQL to the copy through tableName', async () => {
    const store = await backend.open({ events: [BgDeposited] });
    await createTable(store);
    await deposit(store, 300);
    const namesSeen = new Set<string>();
    @Projection('bg-raw', { tables: ['bg_balances'], batchSize: 50 })
    class RawBalances {
      @On(BgDeposited)
      async deposited(event: BgDeposited, { db, tableName }: ProjectionContext): Promise<void> {
        const table = tableName('bg_balances');
        namesSeen.add(table);
        await sql`insert into ${sql.id(table)} (account, total, deposits) values (${event.account}, ${event.amount}, 1)
                  on conflict (account) do update set total = ${sql.id(table)}.total + excluded.total, deposits = ${sql.id(table)}.deposits + 1`.execute(db);
      }
    }
    const dispatcher = await backend.dispatch(store, [new RawBalances()]);
    await dispatcher.idle();

    await dispatcher.rebuild('bg-raw');

    expect([...namesSeen].sort()).to.deep.equal(['bg_balances', 'bg_balances__rebuilding']);
    expect(await balances(store)).to.deep.equal(expectedBalances(300));
  });

  it('refuses to start when a declared table does not exist, and goes on as before', async () => {
    const store = await backend.open({ events: [BgDeposited] });
    await createTable(store);
    await deposit(store, 20);
    @Projection('bg-missing', { tables: ['bg_balances', 'bg_missing'] })
    class Missing extends BgBalances {}
    const dispatcher = await backend.dispatch(store, [new Missing()]);
    await dispatcher.idle();

    const error = await expectRejection(dispatcher.rebuild('bg-missing'), Error);
    await deposit(store, 5, 20);
    await dispatcher.idle();

    expect(error.message).to.contain("table 'bg_missing' does not exist");
    expect(await tablesNamed(store, backend, 'bg_')).to.deep.equal(['bg_balances']);
    expect(await balances(store)).to.deep.equal(expectedBalances(25));
  });
});

describe('Blue/green rebuild cut short by a kill', function () {
  this.timeout(60_000);
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => (folder = temporaryFolder()));
  afterEach(() => folder.remove());

  it('leaves the application reading the old table, and the next process drops the copy and goes on from the old checkpoint', async () => {
    const file = join(folder.path, 'killed.db');
    const store = await EventStore.open({ sqlite: file, events: [BgDeposited] });
    await createTable(store);
    await deposit(store, 3000);
    const first = await Dispatcher.start(store, [new BgBalances()], { logger: false });
    await first.idle();
    await first.stop();

    const leaseMs = 500;
    const child = spawn(process.execPath, [join(__dirname, '..', 'support', 'rebuild-process.js'), file, String(leaseMs), '1500'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk) => (errors += chunk));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('held') && resolve());
        void exited.then(() => reject(new Error(`the rebuild process ended before it was killed: ${errors}`)));
      });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const whileCutShort = {
      tables: await tablesNamed(store, sqliteBackendName, 'bg_balances'),
      balances: await balances(store),
      rebuilds: await store.db.selectFrom('eventfold_rebuilds').select('projection').execute(),
    };

    // The next process takes the lease once the killed one's has run out.
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (message: string) => void warnings.push(message), error: () => undefined };
    const next = await Dispatcher.start(store, [new BgBalances()], { logger, leaseMs });
    await next.waitUntilLive({ timeoutMs: 30_000 });
    await deposit(store, 10, 3000);
    await next.idle();
    const afterRestart = {
      tables: await tablesNamed(store, sqliteBackendName, 'bg_balances'),
      balances: await balances(store),
      rebuilds: await store.db.selectFrom('eventfold_rebuilds').select('projection').execute(),
      checkpoint: await checkpointOf(store, 'bg-balances'),
    };
    expect(warnings.filter((warning) => warning.includes('rebuild'))).to.have.length(1);
    expect(warnings.find((warning) => warning.includes('rebuild'))).to.match(
      /the rebuild of projection 'bg-balances' begun at .* was cut short \(its process stopped\) and has been undone/,
    );
    await next.rebuild('bg-balances');
    const rebuilt = await balances(store);
    await next.stop();
    await store.close();

    expect(whileCutShort).to.deep.equal({
      tables: ['bg_balances', 'bg_balances__rebuilding'],
      balances: expectedBalances(3000),
      rebuilds: [{ projection: 'bg-balances' }],
    });
    expect(afterRestart).to.deep.equal({ tables: ['bg_balances'], balances: expectedBalances(3010), rebuilds: [], checkpoint: 3010 });
    expect(rebuilt).to.deep.equal(expectedBalances(3010));
  });
});
