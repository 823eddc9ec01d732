import BetterSqlite3 from 'better-sqlite3';
import { expect } from 'chai';
import { closeSync, openSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseCorruptError, EventStore, isEventfoldError } from '../../lib';
import { temporaryFolder } from '../support/backends';
import { OrderPlaced } from '../support/domain';
import { collect, expectRejection } from '../support/expect-rejection';

const STREAMS = 20;
const EVENTS_PER_STREAM = 50;

/** A closed store file holding 1,000 events over many pages of the event table. */
async function fileWithEvents(file: string): Promise<void> {
  const store = await EventStore.open({ sqlite: file });
  for (let stream = 0; stream < STREAMS; stream++) {
    const id = `o-${stream}`;
    await store.append(
      { type: 'Order', id },
      Array.from({ length: EVENTS_PER_STREAM }, (_, n) => new OrderPlaced(id, 'KRW-BTC '.repeat(20), n)),
    );
  }
  await store.close();
}

/**
 * The pages holding the event table's rows, in the order of their positions, and the page size.
 * Read with SQLite's dbstat table, so that a spec damages exactly the page it means to.
 */
function eventLeafPages(file: string): { pages: number[]; pageSize: number } {
  const database = new BetterSqlite3(file, { readonly: true });
  try {
    const pageSize = database.pragma('page_size', { simple: true }) as number;
    const rows = database.prepare("select pageno from dbstat where name = 'eventfold_events' and pagetype = 'leaf' order by path").all() as Array<{ pageno: number }>;
    return { pages: rows.map((row) => row.pageno), pageSize };
  } finally {
    database.close();
  }
}

/** Overwrites one page of the file with zeros, as a lost write or a bad sector would leave it. */
function zeroPage(file: string, page: number, pageSize: number): void {
  const descriptor = openSync(file, 'r+');
  try {
    writeSync(descriptor, Buffer.alloc(pageSize), 0, pageSize, (page - 1) * pageSize);
  } finally {
    closeSync(descriptor);
  }
}

describe('A damaged SQLite file', () => {
  let folder: ReturnType<typeof temporaryFolder>;
  let file: string;
  beforeEach(async () => {
    folder = temporaryFolder();
    file = join(folder.path, 'orders.db');
    await fileWithEvents(file);
  });
  afterEach(() => folder.remove());

  it('fails to open when truncated, with DatabaseCorruptError naming the file and how to recover it', async () => {
    truncateSync(file, Math.floor(statSync(file).size / 2));

    const error = await expectRejection(EventStore.open({ sqlite: file, events: [OrderPlaced] }), DatabaseCorruptError);

    expect(error).to.include({ code: 'EVENTFOLD_DATABASE_CORRUPT', database: file, sqliteCode: 'SQLITE_CORRUPT' });
    expect((error.cause as { code?: string }).code).to.equal('SQLITE_CORRUPT');
    expect(error.message)
      .to.contain(`The SQLite database ${file} is damaged (SQLITE_CORRUPT: database disk image is malformed)`)
      .and.contain('restore it from a backup')
      .and.contain(`sqlite3 ${file} ".recover" | sqlite3 recovered.db`);
  });

  it('fails a read that meets a damaged page with DatabaseCorruptError, after the events stored before it', async () => {
    const { pages, pageSize } = eventLeafPages(file);
    expect(pages.length).to.be.greaterThan(4);
    zeroPage(file, pages[Math.floor(pages.length / 2)]!, pageSize);
    const store = await EventStore.open({ sqlite: file, events: [OrderPlaced] });

    const read: number[] = [];
    const error = await expectRejection(async () => {
      for await (const recorded of store.readAll({ pageSize: 10 })) read.push(recorded.position);
    }, DatabaseCorruptError);
    await store.close();

    expect(error).to.include({ database: file, sqliteCode: 'SQLITE_CORRUPT' });
    expect(isEventfoldError(error, 'EVENTFOLD_DATABASE_CORRUPT')).to.equal(true);
    expect(read.length)
      .to.be.greaterThan(0)
      .and.lessThan(STREAMS * EVENTS_PER_STREAM);
    expect(read).to.deep.equal(Array.from({ length: read.length }, (_, n) => n + 1));
  });

  it('fails an append that meets a damaged page with DatabaseCorruptError', async () => {
    const { pages, pageSize } = eventLeafPages(file);
    zeroPage(file, pages[pages.length - 1]!, pageSize);
    const store = await EventStore.open({ sqlite: file, events: [OrderPlaced] });

    const error = await expectRejection(store.append({ type: 'Order', id: 'o-new' }, [new OrderPlaced('o-new', 'KRW-BTC', 1)]), DatabaseCorruptError);
    await store.close();

    expect(error).to.include({ database: file, sqliteCode: 'SQLITE_CORRUPT' });
  });

  it('says a file whose header is overwritten is not a database, or is damaged, with SQLITE_NOTADB', async () => {
    zeroPage(file, 1, 100);

    const error = await expectRejection(EventStore.open({ sqlite: file }), DatabaseCorruptError);

    expect(error).to.include({ database: file, sqliteCode: 'SQLITE_NOTADB' });
    expect(error.message).to.contain('is not an SQLite database, or its header is damaged').and.contain('.recover');
  });

  it('reads the same file undamaged as usual, so the failures above come from the damage', async () => {
    const store = await EventStore.open({ sqlite: file, events: [OrderPlaced] });
    expect(await collect(store.readAll({ from: 990 }))).to.have.length(11);
    await store.close();
  });
});
