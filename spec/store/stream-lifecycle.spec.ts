import { expect } from 'chai';
import { sql } from 'kysely';
import {
  Aggregate,
  ANY_VERSION,
  AggregateRoot,
  Apply,
  ConcurrencyError,
  InlineProjectionError,
  DELETED_STREAM_VERSION,
  Dispatcher,
  DomainEvent,
  EventHandler,
  EventStore,
  InvalidArgumentError,
  isEventfoldError,
  NO_STREAM,
  On,
  Projection,
  StreamArchivedError,
  StreamDeleted,
  StreamDeletedError,
  STREAM_EXISTS,
  type HandlerContext,
  type Repository,
  type ProjectionContext,
} from '../../lib';
import { SnapshotStore } from '../../lib/aggregates/snapshot-store';
import { dropSchemas, forEachBackend, postgresUrlOrReportSkip, uniqueSchema } from '../support/backends';
import { holdTransaction, type OpenTransaction } from '../support/open-transaction';
import { collect, expectRejection } from '../support/expect-rejection';

@DomainEvent('Deposited')
class Deposited {
  constructor(readonly amount: number = 0) {}
}

/** An account that snapshots every second event, so that its snapshots can be seen to go. */
@Aggregate('Account', { snapshotEvery: 2 })
class Account extends AggregateRoot {
  balance = 0;

  deposit(amount: number): void {
    this.raise(new Deposited(amount));
  }

  @Apply(Deposited)
  protected deposited(event: Deposited): void {
    this.balance += event.amount;
  }
}

const alice = { type: 'Account', id: 'alice' };
const bob = { type: 'Account', id: 'bob' };

/** Appends `amounts` to the stream one event per append, so that two streams can interleave. */
async function deposit(store: EventStore, stream: { type: string; id: string }, ...amounts: number[]): Promise<void> {
  for (const amount of amounts) await store.append(stream, [new Deposited(amount)]);
}

/** Alice's account saved with deposits of 5 and 7: two events, and a snapshot at the second. */
async function savedAlice(store: EventStore): Promise<{ accounts: Repository<Account>; account: Account }> {
  const accounts = store.repository(Account);
  const account = new Account('alice');
  account.deposit(5);
  account.deposit(7);
  await accounts.save(account);
  return { accounts, account };
}

/** Where each event read from the log is, as `stream@position`. */
async function logOf(store: EventStore, options: { includeArchived?: boolean } = {}): Promise<string[]> {
  await store.waitForReadable();
  return (await collect(store.readAll(options))).map((recorded) => `${recorded.streamId}@${recorded.position}`);
}

/** Records the streams and positions of the deposits and deletions it receives. */
@EventHandler('ledger-recorder')
class LedgerRecorder {
  readonly seen: string[] = [];

  @On(Deposited)
  deposited(_event: Deposited, { recorded }: HandlerContext): void {
    this.seen.push(`${recorded.streamId}@${recorded.position}`);
  }

  @On(StreamDeleted)
  deleted(event: StreamDeleted, { recorded }: HandlerContext): void {
    this.seen.push(`deleted ${event.streamId}@${recorded.position}`);
  }
}

forEachBackend('Stream lifecycle: archive and restore', (backend) => {
  it('hides an archived stream from readStream, with a StreamArchivedError that says how to restore it', async () => {
    const store = await backend.open({ events: [Deposited] });
    await deposit(store, alice, 1, 2);
    await store.archiveStream(alice);

    const error = await expectRejection(collect(store.readStream(alice)), StreamArchivedError);
    expect(error.code).to.equal('EVENTFOLD_STREAM_ARCHIVED');
    expect(error.stream).to.deep.equal(alice);
    expect(error.message).to.contain('store.restoreStream').and.to.contain('includeArchived');
    const archived = await collect(store.readStream(alice, { includeArchived: true }));
    expect(archived.map((recorded) => (recorded.event as Deposited).amount)).to.deep.equal([1, 2]);
    expect(await store.streamState(alice)).to.equal('archived');
  });

  it('skips an archived stream in readAll unless includeArchived, keeping every position where it was', async () => {
    const store = await backend.open({ events: [Deposited] });
    await deposit(store, alice, 1);
    await deposit(store, bob, 2);
    await deposit(store, alice, 3);
    await store.archiveStream(alice);

    expect(await logOf(store)).to.deep.equal(['bob@2']);
    expect(await logOf(store, { includeArchived: true })).to.deep.equal(['alice@1', 'bob@2', 'alice@3']);
  });

  it('reads a restored stream as before, events appended while it was archived included', async () => {
    const store = await backend.open({ events: [Deposited] });
    await deposit(store, alice, 1);
    await store.archiveStream(alice);
    await store.archiveStream(alice);
    await deposit(store, alice, 2);
    await deposit(store, bob, 3);
    expect(await logOf(store)).to.deep.equal(['bob@3']);

    await store.restoreStream(alice);
    await store.restoreStream(alice);

    expect(await logOf(store)).to.deep.equal(['alice@1', 'alice@2', 'bob@3']);
    expect((await collect(store.readStream(alice))).map((recorded) => recorded.streamVersion)).to.deep.equal([1, 2]);
    expect(await store.streamState(alice)).to.equal('active');
  });

  it('refuses to load an archived aggregate, even from its snapshot, until it is restored', async () => {
    const store = await backend.open();
    const { accounts } = await savedAlice(store);
    await store.archiveStream(alice);

    const error = await expectRejection(accounts.load('alice'), StreamArchivedError);
    expect(isEventfoldError(error, 'EVENTFOLD_STREAM_ARCHIVED')).to.equal(true);
    await expectRejection(accounts.find('alice'), StreamArchivedError);
    await expectRejection(accounts.load('alice', { version: 1 }), StreamArchivedError);

    await store.restoreStream(alice);
    expect((await accounts.load('alice')).balance).to.equal(12);
  });

  it('does not give a subscriber that starts after archiving the archived events, and its checkpoint passes them', async () => {
    const store = await backend.open({ events: [Deposited] });
    await deposit(store, bob, 1);
    await deposit(store, alice, 2, 3);
    await store.archiveStream(alice);
    const recorder = new LedgerRecorder();
    const dispatcher = await backend.dispatch(store, [recorder]);
    // The log ends with archived events: idle() resolves only once the checkpoint is past them.
    await dispatcher.idle();

    expect(recorder.seen).to.deep.equal(['bob@1']);
    expect(dispatcher.stats()[0]!.checkpoint).to.equal(3);
  });

  it('retries a dead letter of a stream archived since it was parked', async () => {
    const store = await backend.open({ events: [Deposited] });
    let refused = true;
    @EventHandler('picky', { retry: { maxAttempts: 1, initialDelayMs: 1, jitter: 0 } })
    class Picky {
      readonly taken: number[] = [];
      @On(Deposited) deposited(event: Deposited): void {
        if (refused) throw new Error('refused');
        this.taken.push(event.amount);
      }
    }
    const picky = new Picky();
    const dispatcher = await backend.dispatch(store, [picky]);
    await deposit(store, alice, 1);
    await dispatcher.idle();
    const [letter] = await dispatcher.deadLetters();
    await store.archiveStream(alice);
    refused = false;

    expect(await dispatcher.retryDeadLetter(letter!.id)).to.equal(true);
    expect(picky.taken).to.deep.equal([1]);
    expect(await dispatcher.deadLetters()).to.deep.equal([]);
  });

  it('refuses to archive a stream without events, and checks its arguments', async () => {
    const store = await backend.open({ events: [Deposited] });
    await expectRejection(store.archiveStream(alice), InvalidArgumentError);
    await expectRejection(store.archiveStream({ type: 'Account' } as never), InvalidArgumentError);
    await expectRejection(store.restoreStream(null as never), InvalidArgumentError);
    await deposit(store, alice, 1);
    expect(() => store.readAll({ includeArchived: 'yes' as never })).to.throw(InvalidArgumentError, /includeArchived/);
    expect(() => store.readStream(alice, { includeArchived: 1 as never })).to.throw(InvalidArgumentError, /includeArchived/);
  });
});

/** Keeps each account's balance inline, and forgets an account as its stream is deleted. */
@Projection('inline-balances')
class InlineBalances {
  refuseDeletions = false;

  @On(Deposited)
  async deposited(event: Deposited, { db, recorded }: ProjectionContext): Promise<void> {
    await sql`insert into lifecycle_balances (id, balance) values (${recorded.streamId}, ${event.amount})
      on conflict (id) do update set balance = lifecycle_balances.balance + excluded.balance`.execute(db);
  }

  @On(StreamDeleted)
  async deleted(event: StreamDeleted, { db }: ProjectionContext): Promise<void> {
    if (this.refuseDeletions) throw new Error('deletions are refused');
    await sql`delete from lifecycle_balances where id = ${event.streamId}`.execute(db);
  }
}

async function balances(store: EventStore): Promise<string[]> {
  const { rows } = await sql<{ id: string; balance: number | string }>`select id, balance from lifecycle_balances order by id`.execute(store.db);
  return rows.map((row) => `${row.id}:${Number(row.balance)}`);
}

forEachBackend('Stream lifecycle: delete', (backend) => {
  it('removes the events of a deleted stream and records its tombstone after every event there was', async () => {
    const store = await backend.open({ events: [Deposited] });
    await deposit(store, alice, 1);
    await deposit(store, bob, 2);
    await deposit(store, alice, 3);

    const tombstone = await store.deleteStream(alice, { reason: 'erasure request 17' });

    expect(tombstone).to.deep.include({ position: 4, streamType: 'Account', streamId: 'alice', streamVersion: DELETED_STREAM_VERSION, type: '$StreamDeleted' });
    expect(tombstone.event).to.be.instanceOf(StreamDeleted);
    expect(tombstone.event).to.deep.include({ streamType: 'Account', streamId: 'alice', lastVersion: 2, reason: 'erasure request 17' });
    // The positions of the removed events are gaps: the others keep theirs.
    expect(await logOf(store)).to.deep.equal(['bob@2', 'alice@4']);
    expect(await logOf(store, { includeArchived: true })).to.deep.equal(['bob@2', 'alice@4']);
    const [read] = await collect(store.readStream(alice));
    expect(read).to.deep.include({ position: 4, streamVersion: DELETED_STREAM_VERSION });
    expect(read!.event).to.deep.equal(tombstone.event);
    expect(await store.streamState(alice)).to.equal('deleted');
    expect(store.eventTypes()).to.deep.equal(['Deposited']);
  });

  it('never hands out the position of a removed event again, even when it was the last of the log', async () => {
    const store = await backend.open({ events: [Deposited] });
    await deposit(store, bob, 1);
    await deposit(store, alice, 2, 3);
    const tombstone = await store.deleteStream(alice);
    await deposit(store, bob, 4);

    expect(tombstone.position).to.equal(4);
    expect(tombstone.event).to.deep.include({ reason: null, lastVersion: 2 });
    expect(await logOf(store)).to.deep.equal(['bob@1', 'alice@4', 'bob@5']);
  });

  it('refuses appends to a deleted stream, whatever version they expect', async () => {
    const store = await backend.open({ events: [Deposited] });
    await deposit(store, alice, 1, 2);
    await store.deleteStream(alice);

    for (const expectedVersion of [undefined, ANY_VERSION, NO_STREAM, STREAM_EXISTS, 2, DELETED_STREAM_VERSION] as const) {
      const error = await expectRejection(store.append(alice, [new Deposited(3)], { expectedVersion }), StreamDeletedError);
      expect(error.code, String(expectedVersion)).to.equal('EVENTFOLD_STREAM_DELETED');
      expect(error.message).to.contain('Account/alice').and.to.contain('another stream id');
    }
    await expectRejection(store.publish(new Deposited(4), { stream: alice }), StreamDeletedError);
    expect((await collect(store.readStream(alice))).map((recorded) => recorded.type)).to.deep.equal(['$StreamDeleted']);
  });

  it('refuses a StreamDeleted in an append or a publish: only deleteStream writes one', async () => {
    const store = await backend.open({ events: [Deposited] });
    await deposit(store, alice, 1);
    const forged = new StreamDeleted('Account', 'alice', 1, null);
    const appended = await expectRejection(store.append(bob, [new Deposited(2), forged]), InvalidArgumentError);
    expect(appended.message).to.contain('store.deleteStream');
    await expectRejection(store.publish(forged), InvalidArgumentError);
    expect(await logOf(store)).to.deep.equal(['alice@1']);
    expect(await store.streamState(alice)).to.equal('active');
  });

  it('hands subscribers the tombstone of a deleted stream even where the stream is still marked archived', async () => {
    const store = await backend.open({ events: [Deposited] });
    await deposit(store, alice, 1);
    await deposit(store, bob, 2);
    const tombstone = await store.deleteStream(alice);
    // What a reader that listed the archived streams just before the deletion goes on believing.
    await store.db.insertInto('eventfold_archived_streams').values({ stream_type: 'Account', stream_id: 'alice', archived_at: new Date().toISOString() }).execute();

    expect(await logOf(store)).to.deep.equal(['bob@2', `alice@${tombstone.position}`]);
    const recorder = new LedgerRecorder();
    const dispatcher = await Dispatcher.start(store, [recorder]);
    await dispatcher.idle();
    await dispatcher.stop();
    expect(recorder.seen).to.deep.equal(['bob@2', `deleted alice@${tombstone.position}`]);
  });

  it('removes a snapshot written after its stream was deleted', async () => {
    const store = await backend.open({ events: [Deposited] });
    await deposit(store, alice, 1, 2);
    await store.deleteStream(alice);
    // A save that committed before the deletion writes its snapshot after it.
    await new SnapshotStore(store.db).save(alice, { streamVersion: 2, snapshotVersion: 1, state: '{"balance":3}' });
    expect(await store.db.selectFrom('eventfold_snapshots').select('stream_id').execute()).to.deep.equal([]);
  });

  it('refuses to load, save, archive or restore a deleted aggregate, and removes its snapshot', async () => {
    const store = await backend.open();
    const { accounts, account } = await savedAlice(store);
    expect(await store.db.selectFrom('eventfold_snapshots').select('stream_id').execute()).to.have.length(1);

    await store.deleteStream(alice);

    expect(await store.db.selectFrom('eventfold_snapshots').select('stream_id').execute()).to.deep.equal([]);
    await expectRejection(accounts.load('alice'), StreamDeletedError);
    await expectRejection(accounts.load('alice', { version: 1 }), StreamDeletedError);
    await expectRejection(collect(accounts.history('alice')), StreamDeletedError);
    account.deposit(1);
    await expectRejection(accounts.save(account), StreamDeletedError);
    const fresh = new Account('alice');
    fresh.deposit(1);
    await expectRejection(accounts.save(fresh), StreamDeletedError);
    await expectRejection(store.archiveStream(alice), StreamDeletedError);
    await expectRejection(store.restoreStream(alice), StreamDeletedError);
  });

  it("runs the store's inline projections on the tombstone in the deletion's transaction, and deletes nothing when one fails", async () => {
    const balancesProjection = new InlineBalances();
    const store = await backend.open({ events: [Deposited], inlineProjections: [balancesProjection] });
    await sql`create table lifecycle_balances (id text primary key, balance integer not null)`.execute(store.db);
    await deposit(store, alice, 1, 2);
    await deposit(store, bob, 5);
    expect(await balances(store)).to.deep.equal(['alice:3', 'bob:5']);

    balancesProjection.refuseDeletions = true;
    const error = await expectRejection(store.deleteStream(alice), InlineProjectionError);
    expect(error).to.include({ projection: 'inline-balances', eventType: '$StreamDeleted' });
    expect(await store.streamState(alice)).to.equal('active');
    expect((await collect(store.readStream(alice))).map((recorded) => (recorded.event as Deposited).amount)).to.deep.equal([1, 2]);

    balancesProjection.refuseDeletions = false;
    await store.deleteStream(alice);
    expect(await balances(store)).to.deep.equal(['bob:5']);
    expect(await store.streamState(alice)).to.equal('deleted');
  });

  it('deletes a deleted stream again without writing anything, returning its tombstone', async () => {
    const store = await backend.open({ events: [Deposited] });
    await deposit(store, alice, 1);
    const first = await store.deleteStream(alice, { reason: 'first' });
    const again = await store.deleteStream(alice, { reason: 'second' });

    expect(again.position).to.equal(first.position);
    expect(again.eventId).to.equal(first.eventId);
    expect(again.event).to.deep.include({ reason: 'first' });
    expect(await logOf(store)).to.deep.equal([`alice@${first.position}`]);
  });

  it('deletes an archived stream, tombstone included in every read', async () => {
    const store = await backend.open({ events: [Deposited] });
    await deposit(store, alice, 1);
    await store.archiveStream(alice);
    const tombstone = await store.deleteStream(alice);

    expect(await store.streamState(alice)).to.equal('deleted');
    expect(await logOf(store)).to.deep.equal([`alice@${tombstone.position}`]);
  });

  it('removes the dead letters of a deleted stream', async () => {
    const store = await backend.open({ events: [Deposited] });
    @EventHandler('picky', { retry: { maxAttempts: 1, initialDelayMs: 1, jitter: 0 } })
    class Picky {
      @On(Deposited) deposited(_event: Deposited, { recorded }: HandlerContext): void {
        if (recorded.streamId === 'alice') throw new Error('alice is refused');
      }
    }
    const dispatcher = await backend.dispatch(store, [new Picky()]);
    await deposit(store, alice, 1);
    await deposit(store, bob, 2);
    await dispatcher.idle();
    expect((await dispatcher.deadLetters()).map((letter) => letter.streamId)).to.deep.equal(['alice']);

    await store.deleteStream(alice);

    expect(await dispatcher.deadLetters()).to.deep.equal([]);
  });

  it('hands subscribers the tombstone in log order, and they keep going past the removed positions', async () => {
    const store = await backend.open({ events: [Deposited] });
    await deposit(store, alice, 1);
    await deposit(store, bob, 2);
    const early = new LedgerRecorder();
    const dispatcher = await backend.dispatch(store, [early]);
    await dispatcher.idle();
    await deposit(store, alice, 3);
    await store.deleteStream(alice);
    await deposit(store, bob, 5);
    await dispatcher.idle();

    // A subscriber that had delivered alice's events keeps them delivered, and is told of the deletion.
    expect(early.seen).to.deep.equal(['alice@1', 'bob@2', 'alice@3', 'deleted alice@4', 'bob@5']);
    await dispatcher.stop();

    // One that starts afterwards never sees alice's events, only the tombstone, in order.
    @EventHandler('late-recorder')
    class LateRecorder extends LedgerRecorder {}
    const late = new LateRecorder();
    const second = await backend.dispatch(store, [late]);
    await second.idle();
    expect(late.seen).to.deep.equal(['bob@2', 'deleted alice@4', 'bob@5']);
  });

  it('lets a projection remove its rows of a deleted stream in the same transaction as its checkpoint', async () => {
    const store = await backend.open({ events: [Deposited] });
    await store.db.schema
      .createTable('balances')
      .addColumn('account', 'text', (column) => column.primaryKey())
      .addColumn('balance', 'integer')
      .execute();
    @Projection('balances')
    class Balances {
      @On(Deposited)
      async deposited(event: Deposited, { db, recorded }: ProjectionContext): Promise<void> {
        await db
          .insertInto('balances')
          .values({ account: recorded.streamId, balance: event.amount })
          .onConflict((conflict) => conflict.column('account').doUpdateSet((eb) => ({ balance: eb('balances.balance', '+', event.amount) })))
          .execute();
      }

      @On(StreamDeleted)
      async deleted(event: StreamDeleted, { db }: ProjectionContext): Promise<void> {
        if (event.streamType === 'Account') await db.deleteFrom('balances').where('account', '=', event.streamId).execute();
      }
    }
    const dispatcher = await backend.dispatch(store, [new Balances()]);
    await deposit(store, alice, 1, 2);
    await deposit(store, bob, 3);
    await dispatcher.idle();
    expect(await store.db.selectFrom('balances').selectAll().orderBy('account').execute()).to.deep.equal([
      { account: 'alice', balance: 3 },
      { account: 'bob', balance: 3 },
    ]);

    await store.deleteStream(alice);
    await dispatcher.idle();

    expect(await store.db.selectFrom('balances').selectAll().execute()).to.deep.equal([{ account: 'bob', balance: 3 }]);
  });

  it('tells another process of the deletion, which delivers the tombstone to its subscribers', async () => {
    const store = await backend.open({ events: [Deposited] });
    const other = await backend.reopen({ events: [Deposited] });
    const recorder = new LedgerRecorder();
    const dispatcher = await backend.dispatch(other, [recorder]);
    await deposit(store, alice, 1);
    await deposit(store, bob, 2);
    const tombstone = await store.deleteStream(alice);
    await deposit(store, bob, 4);
    await other.waitForReadable({ position: 4 });
    await dispatcher.idle();

    expect(recorder.seen.slice(-2)).to.deep.equal([`deleted alice@${tombstone.position}`, 'bob@4']);
  });

  it('checks its arguments before writing anything', async () => {
    const store = await backend.open({ events: [Deposited] });
    await deposit(store, alice, 1);
    await expectRejection(store.deleteStream(alice, { reason: 42 as never }), InvalidArgumentError);
    await expectRejection(store.deleteStream(alice, 'now' as never), InvalidArgumentError);
    await expectRejection(store.deleteStream({ type: '', id: 'alice' }), InvalidArgumentError);
    expect(await store.streamState(alice)).to.equal('active');
    await expectRejection(store.append(alice, [new Deposited(2)], { expectedVersion: 0 }), ConcurrencyError);
  });
});

const url = postgresUrlOrReportSkip();
if (url) {
  describe('Stream lifecycle: delete, and the readable head of PostgreSQL', () => {
    const schema = uniqueSchema();
    const stores: EventStore[] = [];
    let older: OpenTransaction | undefined;
    const open = async () => {
      const store = await EventStore.open({ postgres: url, schema, poolSize: 4, events: [Deposited] });
      stores.push(store);
      return store;
    };
    afterEach(async () => {
      await older?.end();
      await Promise.all(stores.splice(0).map((store) => store.close()));
      await dropSchemas(url, [schema]);
    });

    it('keeps a subscriber of another process going past the removed positions, once a transaction older than the deletion ends', async () => {
      const store = await open();
      const other = await open();
      const recorder = new LedgerRecorder();
      const dispatcher = await Dispatcher.start(other, [recorder], { logger: false });
      await deposit(store, bob, 1);
      await deposit(store, alice, 2, 3);
      await other.waitForReadable({ position: 3 });
      await dispatcher.idle();
      expect(recorder.seen).to.deep.equal(['bob@1', 'alice@2', 'alice@3']);

      older = await holdTransaction(url);
      await store.deleteStream(alice);
      await deposit(store, bob, 5);
      // The tombstone and what follows wait for the older transaction, and the head stands below
      // the removed positions meanwhile; nothing before it is skipped.
      expect(await other.headPosition()).to.equal(1);
      expect((await collect(other.readAll({ includeArchived: true }))).map((recorded) => recorded.position)).to.deep.equal([1]);
      await older.commit();

      await other.waitForReadable({ position: 5 });
      await dispatcher.idle();
      expect(recorder.seen).to.deep.equal(['bob@1', 'alice@2', 'alice@3', 'deleted alice@4', 'bob@5']);
      expect(await logOf(other)).to.deep.equal(['bob@1', 'alice@4', 'bob@5']);
      await dispatcher.stop();
    });
  });
}
