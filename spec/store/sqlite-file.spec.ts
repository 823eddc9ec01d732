import { expect } from 'chai';
import BetterSqlite3 from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { SqliteDialect } from 'kysely';
import { DatabaseCorruptError, DatabaseOpenError, EventStore } from '../../lib';
import { temporaryFolder } from '../support/backends';
import { Order, OrderPlaced } from '../support/domain';
import { collect, expectRejection } from '../support/expect-rejection';

const run = promisify(execFile);

describe('EventStore.open on SQLite', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => (folder = temporaryFolder()));
  afterEach(() => folder.remove());

  it('refuses a file that is not an SQLite database, naming it, and leaves the file alone', async () => {
    const file = join(folder.path, 'notes.txt');
    const notes = 'these are my notes, not a database '.repeat(100);
    writeFileSync(file, notes);
    const error = await expectRejection(EventStore.open({ sqlite: file }), DatabaseCorruptError);
    expect(error.code).to.equal('EVENTFOLD_DATABASE_CORRUPT');
    expect(error).to.include({ database: file, sqliteCode: 'SQLITE_NOTADB' });
    expect(error.message).to.contain(file).and.contain('not an SQLite database').and.contain('point the store at another file name');
    expect(readFileSync(file, 'utf8')).to.equal(notes);
  });

  it('says so when the folder of the file does not exist', async () => {
    const error = await expectRejection(EventStore.open({ sqlite: join(folder.path, 'missing', 'x.db') }), DatabaseOpenError);
    expect(error.message).to.contain('folder exists');
  });

  it('says how to build SQLite when better-sqlite3 was installed without its native module', async () => {
    // As when npm held back better-sqlite3's install script: `bindings` finds no compiled module.
    const script = `
      const Module = require('node:module');
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (request, ...rest) {
        if (request === 'bindings') return require.resolve('./missing-bindings.js', { paths: [process.cwd()] });
        return resolve.call(this, request, ...rest);
      };
      require(${JSON.stringify(join(__dirname, '..', '..', 'lib'))}).EventStore.open({ sqlite: ':memory:' }).then(
        () => console.log('opened'),
        (error) => console.log(JSON.stringify({ code: error.code, message: error.message })),
      );`;
    writeFileSync(join(folder.path, 'missing-bindings.js'), `module.exports = () => { throw new Error('Could not locate the bindings file. Tried:\\n → nowhere'); };`);
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: folder.path });
    const { code, message } = JSON.parse(stdout) as { code: string; message: string };
    expect(code).to.equal('EVENTFOLD_DATABASE_OPEN');
    expect(message)
      .to.contain("better-sqlite3's native module is missing")
      .and.contain('npm install-scripts approve better-sqlite3')
      .and.contain('npm rebuild better-sqlite3');
  });

  it('uses WAL and a busy timeout, with synchronous NORMAL by default and FULL on request', async () => {
    const file = join(folder.path, 'settings.db');
    const normal = await EventStore.open({ sqlite: file });
    const pragma = async (store: EventStore, name: string) => Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(store.db)).rows[0]!)[0];
    expect(await pragma(normal, 'journal_mode')).to.equal('wal');
    expect(await pragma(normal, 'busy_timeout')).to.equal(5000);
    expect(await pragma(normal, 'synchronous')).to.equal(1);
    await normal.close();
    const full = await EventStore.open({ sqlite: file, durability: 'full', busyTimeoutMs: 750 });
    expect(await pragma(full, 'synchronous')).to.equal(2);
    expect(await pragma(full, 'busy_timeout')).to.equal(750);
    await full.close();
  });

  it('keeps its data across close and reopen, and migrating twice changes nothing', async () => {
    const file = join(folder.path, 'kept.db');
    const migrations = async (store: EventStore) => (await sql<{ name: string }>`select name from eventfold_migration order by name`.execute(store.db)).rows;
    const first = await EventStore.open({ sqlite: file });
    await first.repository(Order).save(Order.place('o-1', 'KRW-XRP', 7));
    const applied = await migrations(first);
    await first.close();
    const second = await EventStore.open({ sqlite: file });
    expect((await second.repository(Order).load('o-1')).market).to.equal('KRW-XRP');
    expect(applied.length).to.be.greaterThan(0);
    expect(await migrations(second)).to.deep.equal(applied);
    await second.close();
  });

  it('works through any Kysely SQLite dialect', async () => {
    const file = join(folder.path, 'dialect.db');
    const store = await EventStore.open({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }), events: [OrderPlaced] });
    await store.append({ type: 'Order', id: 'o-1' }, [new OrderPlaced('o-1', 'KRW-BTC', 1)], { expectedVersion: 0 });
    expect((await collect(store.readAll())).map((e) => e.type)).to.deep.equal(['OrderPlaced']);
    await store.close();
  });

  it('keeps two stores in one process apart: registrations and data never leak', async () => {
    const a = await EventStore.open({ sqlite: ':memory:' });
    const b = await EventStore.open({ sqlite: ':memory:' });
    await a.repository(Order).save(Order.place('o-1', 'KRW-BTC', 1));
    expect(a.eventTypes()).to.include('OrderPlaced');
    expect(b.eventTypes()).to.deep.equal([]);
    expect(await b.headPosition()).to.equal(0);
    await Promise.all([a.close(), b.close()]);
  });
});
