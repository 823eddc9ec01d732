import { expect } from 'chai';
import { Pool } from 'pg';
import { DatabaseOpenError, Dispatcher, DomainEvent, EventHandler, EventStore, InvalidArgumentError, On } from '../../lib';
import { dropSchemas, postgresUrlOrReportSkip, uniqueSchema } from '../support/backends';
import { collect, expectRejection } from '../support/expect-rejection';

@DomainEvent('Pinged')
class Pinged {
  constructor(readonly n: number) {}
}

@EventHandler('ping-counter')
class PingCounter {
  readonly seen: number[] = [];

  @On(Pinged)
  pinged(event: Pinged): void {
    this.seen.push(event.n);
  }
}

describe('Opening a store on PostgreSQL: bad options', () => {
  it('rejects a schema that is not a plain identifier, before connecting', async () => {
    const error = await expectRejection(EventStore.open({ postgres: 'postgres://nobody@127.0.0.1:1/none', schema: 'x"; drop table y; --' }), InvalidArgumentError);
    expect(error.message).to.contain('options.schema').and.to.contain('plain identifier');
  });

  it('rejects a pool size that is not a whole number of at least 1', async () => {
    const error = await expectRejection(EventStore.open({ postgres: 'postgres://nobody@127.0.0.1:1/none', poolSize: 0 }), InvalidArgumentError);
    expect(error.message).to.contain('options.poolSize');
  });

  it('rejects a postgres option that is neither a connection string nor a pg.Pool', async () => {
    const error = await expectRejection(EventStore.open({ postgres: 42 as never }), InvalidArgumentError);
    expect(error.message).to.contain('options.postgres');
  });

  it('says it could not connect, and what to check, when no server answers', async () => {
    // Port 1 on the loopback interface: nothing listens there, so the connection is refused.
    const error = await expectRejection(EventStore.open({ postgres: 'postgres://nobody@127.0.0.1:1/none' }), DatabaseOpenError);
    expect(error.message).to.contain('could not connect').and.to.contain('ECONNREFUSED').and.to.contain('check that the server is running');
  });
});

const url = postgresUrlOrReportSkip();
if (url) {
  describe('Opening a store on PostgreSQL', () => {
    const schemas: string[] = [];
    afterEach(() => dropSchemas(url, schemas.splice(0)));

    it('names a database that does not exist as a connection problem', async () => {
      const missing = url.replace(/\/[^/?]*(\?.*)?$/, '/eventfold_no_such_database$1');
      const error = await expectRejection(EventStore.open({ postgres: missing }), DatabaseOpenError);
      expect(error.message).to.contain('could not connect').and.to.contain('eventfold_no_such_database');
    });

    it('works on a pg.Pool it is given and leaves that pool open when it closes', async () => {
      const pool = new Pool({ connectionString: url, max: 3 });
      try {
        const schema = uniqueSchema();
        schemas.push(schema);
        const store = await EventStore.open({ postgres: pool, schema, events: [Pinged] });
        expect(store.backend.name).to.equal('postgres');
        await store.append({ type: 'Pinger', id: 'p-1' }, [new Pinged(1), new Pinged(2)]);
        // This pool parses jsonb and bigint columns its own way; reading must not mind.
        await store.waitForReadable();
        const read = await collect(store.readAll());
        expect(read.map((recorded) => [recorded.position, (recorded.event as Pinged).n])).to.deep.equal([
          [1, 1],
          [2, 2],
        ]);
        expect(read[0]!.event).to.be.instanceOf(Pinged);
        await store.close();
        const { rows } = await pool.query(`select count(*)::int as count from "${schema}".eventfold_events`);
        expect(rows[0].count).to.equal(2);
      } finally {
        await pool.end();
      }
    });

    it('runs a dispatcher on a pool of one connection: listening for appends takes a connection of its own', async () => {
      const schema = uniqueSchema();
      schemas.push(schema);
      const store = await EventStore.open({ postgres: url, schema, poolSize: 1, events: [Pinged] });
      try {
        const counter = new PingCounter();
        const dispatcher = await Dispatcher.start(store, [counter]);
        await store.append({ type: 'Pinger', id: 'p-1' }, [new Pinged(1), new Pinged(2)]);
        await dispatcher.idle();
        expect(counter.seen).to.deep.equal([1, 2]);
        await dispatcher.stop();
      } finally {
        await store.close();
      }
    });

    it('keeps stores in different schemas of one database apart', async () => {
      const [first, second] = [uniqueSchema(), uniqueSchema()];
      schemas.push(first, second);
      const a = await EventStore.open({ postgres: url, schema: first, poolSize: 2, events: [Pinged] });
      const b = await EventStore.open({ postgres: url, schema: second, poolSize: 2, events: [Pinged] });
      try {
        await a.append({ type: 'Pinger', id: 'p-1' }, [new Pinged(1), new Pinged(2)]);
        await b.append({ type: 'Pinger', id: 'p-1' }, [new Pinged(3)]);
        await b.waitForReadable();
        expect((await collect(a.readAll())).map((recorded) => (recorded.event as Pinged).n)).to.deep.equal([1, 2]);
        expect((await collect(b.readAll())).map((recorded) => (recorded.event as Pinged).n)).to.deep.equal([3]);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}
