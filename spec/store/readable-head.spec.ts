import { expect } from 'chai';
import { Client } from 'pg';
import { Dispatcher, EventHandler, EventStore, InvalidArgumentError, NotReadableError, On, type HandlerContext } from '../../lib';
import { dropSchemas, forEachBackend, postgresUrlOrReportSkip, uniqueSchema } from '../support/backends';
import { OrderFilled, OrderPlaced } from '../support/domain';
import { collect, expectRejection } from '../support/expect-rejection';

const order = { type: 'Order', id: 'o-1' };

forEachBackend('EventStore.waitForReadable', (backend) => {
  it('resolves once every event appended so far can be read', async () => {
    const store = await backend.open();
    const { events } = await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 1), new OrderFilled(1)]);
    await store.waitForReadable();
    expect(await store.headPosition()).to.equal(events[1]!.position);
    await store.waitForReadable({ position: events[0]!.position, timeoutMs: 0 });
    expect((await collect(store.readAll())).map((recorded) => recorded.position)).to.deep.equal(events.map((recorded) => recorded.position));
  });

  it('refuses a position or a timeout that is not a whole number', async () => {
    const store = await backend.open();
    expect((await expectRejection(store.waitForReadable({ position: 0 }), InvalidArgumentError)).argument).to.equal('options.position');
    expect((await expectRejection(store.waitForReadable({ timeoutMs: -1 }), InvalidArgumentError)).argument).to.equal('options.timeoutMs');
    const tooLong = await expectRejection(store.waitForReadable({ timeoutMs: 2 ** 31 }), InvalidArgumentError);
    expect(tooLong.message).to.match(/options\.timeoutMs: expected whole milliseconds from 0 to 2147483647, got 2147483648/);
    expect((await expectRejection(store.waitForReadable(null as never), InvalidArgumentError)).argument).to.equal('options');
  });
});

/** Records the positions it handles. */
@EventHandler('position-recorder')
class PositionRecorder {
  readonly handled: number[] = [];

  @On(OrderPlaced)
  placed(_event: OrderPlaced, { position }: HandlerContext): void {
    this.handled.push(position);
  }
}

const url = postgresUrlOrReportSkip();
if (url) {
  describe('The readable head of a PostgreSQL log', function () {
    this.timeout(30_000);
    let schema: string;
    let holder: Client;
    const stores: EventStore[] = [];

    beforeEach(async () => {
      schema = uniqueSchema();
      // A transaction of another session that has written (it holds a transaction id) and stays
      // open: what an `idle in transaction` session looks like to readers.
      holder = new Client({ connectionString: url });
      await holder.connect();
    });
    afterEach(async () => {
      await holder.end();
      await Promise.all(stores.splice(0).map((store) => store.close()));
      await dropSchemas(url, [schema]);
    });

    async function open(): Promise<EventStore> {
      const store = await EventStore.open({ postgres: url!, schema, poolSize: 3, events: [OrderPlaced, OrderFilled] });
      stores.push(store);
      return store;
    }

    async function holdReaders(): Promise<void> {
      await holder.query('begin');
      await holder.query('select pg_current_xact_id()');
    }

    it('stops readers short of an append while an older transaction is open, and lets them on once it ends', async () => {
      const store = await open();
      const { events: before } = await store.append(order, [new OrderPlaced('o-1', 'KRW-BTC', 1)]);
      await store.waitForReadable();
      await holdReaders();
      const { events: held } = await store.append(order, [new OrderFilled(1)]);

      expect(await store.headPosition()).to.equal(before[0]!.position);
      expect((await collect(store.readAll())).map((recorded) => recorded.position)).to.deep.equal([before[0]!.position]);
      const error = await expectRejection(store.waitForReadable({ timeoutMs: 50 }), NotReadableError);
      expect(error).to.include({ code: 'EVENTFOLD_NOT_READABLE', position: held[0]!.position, readableHead: before[0]!.position, timeoutMs: 50 });
      expect(error.message).to.contain('pg_stat_activity');

      const readable = store.waitForReadable();
      await holder.query('commit');
      await readable;
      expect((await collect(store.readAll())).map((recorded) => recorded.position)).to.deep.equal([before[0]!.position, held[0]!.position]);
    });

    it('makes dispatcher.idle() wait for an event committed before it was called, until that event is readable', async () => {
      const store = await open();
      const other = await open();
      const recorder = new PositionRecorder();
      const dispatcher = await Dispatcher.start(store, [recorder], { logger: false });
      await holdReaders();
      // Appended through another store, so that the dispatcher has to read it from the log.
      const { events } = await other.append({ type: 'Order', id: 'o-2' }, [new OrderPlaced('o-2', 'KRW-ETH', 1)]);
      // idle() reads how far to wait first thing, before its first await; the read is caught so
      // that the transaction ends only once idle() has fixed its goal, held back as it is.
      const readHorizon = store.logHorizon.bind(store);
      let goalRead: Promise<unknown> = Promise.resolve();
      store.logHorizon = () => (goalRead = readHorizon());
      const idle = dispatcher.idle();
      store.logHorizon = readHorizon;
      await goalRead;
      await holder.query('commit');
      await idle;
      expect(recorder.handled).to.deep.equal([events[0]!.position]);
      await dispatcher.stop();
    });
  });
}
