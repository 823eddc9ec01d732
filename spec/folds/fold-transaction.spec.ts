import { expect } from 'chai';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { FoldRowError, type RecordedEvent } from '../../lib';
import { foldInTransaction, type FoldPlan } from '../../lib/folds/fold-transaction';
import { RowStatements } from '../../lib/folds/row-statements';

class Moved {
  constructor(
    readonly sku: string,
    readonly quantity: number,
  ) {}
}

function recorded(position: number, event: Moved): RecordedEvent {
  return {
    position,
    eventId: `e-${position}`,
    streamType: 'Warehouse',
    streamId: 'w-1',
    streamVersion: position,
    type: 'Moved',
    schemaVersion: 1,
    event,
    metadata: {},
    recordedAt: new Date(0),
  };
}

function plan(fold: (row: Record<string, unknown>, event: Moved) => unknown, keysOf = (event: object) => [(event as Moved).sku]): FoldPlan {
  return {
    projection: 'stock',
    table: 'stock',
    keyColumns: ['sku'],
    database: 'sqlite',
    statements: new RowStatements('stock', ['sku'], 'question-mark'),
    folds: new Map([[Moved, { fold: fold as never, keysOf }]]),
    initial: (key) => ({ sku: key, on_hand: 0 }),
  };
}

describe('Folding a batch in a transaction', () => {
  let sqlite: Database.Database;
  let db: Kysely<{ stock: { sku: string; on_hand: number } }>;
  let statements: string[];

  beforeEach(async () => {
    sqlite = new Database(':memory:');
    statements = [];
    db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }), log: (event) => void statements.push(event.query.sql.split(' ')[0]!) });
    await db.schema
      .createTable('stock')
      .addColumn('sku', 'text', (column) => column.primaryKey())
      .addColumn('on_hand', 'integer')
      .execute();
    await db.insertInto('stock').values({ sku: 'sku-0', on_hand: 100 }).execute();
    statements = [];
  });

  afterEach(() => db.destroy());

  it('writes a batch of N events touching K keys with one select and one multi-row upsert', async () => {
    const events = Array.from({ length: 1000 }, (_, index) => recorded(index + 1, new Moved(`sku-${index % 50}`, 1)));
    const add = (row: Record<string, unknown>, event: Moved) => void (row.on_hand = (row.on_hand as number) + event.quantity);
    await foldInTransaction(plan(add), db, events);
    expect(statements).to.deep.equal(['select', 'insert']);
    const rows = await db.selectFrom('stock').selectAll().orderBy('sku').execute();
    expect(rows).to.have.length(50);
    // The stored row was read and folded on, not replaced by a fresh one.
    expect(rows.find((row) => row.sku === 'sku-0')?.on_hand).to.equal(120);
    expect(rows.find((row) => row.sku === 'sku-1')?.on_hand).to.equal(20);
  });

  it('splits the statements of a batch larger than the parameter limit', async () => {
    const keys = RowStatements.rowsPerStatement(1) + 10;
    const events = Array.from({ length: keys }, (_, index) => recorded(index + 1, new Moved(`k-${index}`, 1)));
    await foldInTransaction(
      plan((row) => void (row.on_hand = 1)),
      db,
      events,
    );
    // A key takes one parameter in the select; a row of (sku, on_hand) two in the upsert.
    const upserts = Math.ceil(keys / RowStatements.rowsPerStatement(2));
    expect(upserts).to.equal(3);
    expect(statements).to.deep.equal(['select', 'select', ...Array<string>(upserts).fill('insert')]);
    expect(
      (
        await db
          .selectFrom('stock')
          .select((eb) => eb.fn.countAll<number>().as('rows'))
          .executeTakeFirstOrThrow()
      ).rows,
    ).to.equal(keys + 1);
  });

  it('refuses a value SQLite cannot hold, naming the row, the column, the event and what to store instead', async () => {
    const error = await foldInTransaction(
      plan((row) => void (row.on_hand = true)),
      db,
      [recorded(7, new Moved('bolt', 1))],
    ).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(FoldRowError);
    expect((error as FoldRowError).message).to.equal(
      'Fold projection \'stock\' at position 7: the row of key "bolt" in stock has on_hand = true: SQLite has no booleans: store 1 or 0 (an integer column).',
    );
    expect((error as FoldRowError).code).to.equal('EVENTFOLD_FOLD_ROW');
  });

  it('folds an event into a row once when its keys name the row twice', async () => {
    const add = (row: Record<string, unknown>, event: Moved) => void (row.on_hand = (row.on_hand as number) + event.quantity);
    await foldInTransaction(
      plan(add, (event) => [(event as Moved).sku, (event as Moved).sku]),
      db,
      [recorded(1, new Moved('bolt', 3))],
    );
    expect(await db.selectFrom('stock').selectAll().where('sku', '=', 'bolt').execute()).to.deep.equal([{ sku: 'bolt', on_hand: 3 }]);
  });

  it('refuses a number that is not finite, with a hint at the usual cause', async () => {
    const error = await foldInTransaction(
      plan((row) => void (row.on_hand = Number.NaN)),
      db,
      [recorded(2, new Moved('bolt', 1))],
    ).catch((caught: unknown) => caught);
    expect(error)
      .to.be.instanceOf(FoldRowError)
      .with.property('message')
      .that.matches(/on_hand = NaN: not a finite number \(a column left out of initial\(\)/);
  });

  it('writes nothing back for a stored row no fold changed', async () => {
    await foldInTransaction(
      plan(() => undefined),
      db,
      [recorded(1, new Moved('sku-0', 1))],
    );
    expect(statements).to.deep.equal(['select']);
    expect(await db.selectFrom('stock').selectAll().execute()).to.deep.equal([{ sku: 'sku-0', on_hand: 100 }]);
  });

  it('refuses a stored row the database matched to a key written differently, rather than overwrite it', async () => {
    await sql`create table nocase (sku text collate nocase primary key, on_hand integer not null)`.execute(db);
    await sql`insert into nocase values ('BOLT', 7)`.execute(db);
    const nocase = { ...plan((row) => void (row.on_hand = 1)), table: 'nocase', statements: new RowStatements('nocase', ['sku'], 'question-mark') };
    const error = await foldInTransaction(nocase, db, [recorded(4, new Moved('bolt', 1))]).catch((caught: unknown) => caught);
    expect(error)
      .to.be.instanceOf(FoldRowError)
      .with.property('message')
      .that.matches(/nocase holds a row keyed "BOLT".*return the key exactly as the column stores it/);
    expect((await sql<{ on_hand: number }>`select on_hand from nocase`.execute(db)).rows).to.deep.equal([{ on_hand: 7 }]);
  });

  it('refuses a row whose key column was changed by a fold', async () => {
    const error = await foldInTransaction(
      plan((row) => ({ ...row, sku: 'other' })),
      db,
      [recorded(3, new Moved('bolt', 1))],
    ).catch((caught: unknown) => caught);
    expect(error)
      .to.be.instanceOf(FoldRowError)
      .with.property('message')
      .that.matches(/the row of key "bolt" has sku = "other"\. A row keeps its key/);
  });
});
