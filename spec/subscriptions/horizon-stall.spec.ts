import { expect } from 'chai';
import { Client } from 'pg';
import { Dispatcher, DomainEvent, EventHandler, EventStore, On, SubscriberOperations, type HandlerContext, type HorizonStall, type SessionHolder } from '../../lib';
import { runCli } from '../cli/support/run-cli';
import { dropSchemas, postgresUrlOrReportSkip, uniqueSchema } from '../support/backends';
import { collect } from '../support/expect-rejection';
import { holdTransaction, urlWith, type OpenTransaction } from '../support/open-transaction';
import { until } from '../support/until';

@DomainEvent('HorizonNoted')
class Noted {
  constructor(readonly n: number = 0) {}
}

/** Records the position of every event it handles. */
@EventHandler('horizon-recorder')
class Recorder {
  readonly positions: number[] = [];

  @On(Noted)
  noted(_event: Noted, { position }: HandlerContext): void {
    this.positions.push(position);
  }
}

/** A logger that keeps what it is told, by level. */
function capturingLogger() {
  const lines: Array<{ level: string; line: string }> = [];
  const keep = (level: string) => (line: string) => lines.push({ level, line });
  return { lines, logger: { info: keep('info'), warn: keep('warn'), error: keep('error') } };
}

/**
 * A transaction left open anywhere on the server holds every reader of the log back: events
 * committed after it began are not readable until it ends. These specs hold one open on a
 * connection of their own, append through a store that stands for another process (this
 * process's own appends reach its subscribers in memory, past the horizon), and check what
 * eventfold reports, then end the transaction and check that everything arrives.
 */
const url = postgresUrlOrReportSkip();
if (url) {
  describe('A transaction left open [postgres]', function () {
    this.timeout(60_000);
    let schema: string;
    const stores: EventStore[] = [];
    const dispatchers: Dispatcher[] = [];
    const transactions: OpenTransaction[] = [];
    const stream = { type: 'Note', id: 'n-1' };

    beforeEach(() => {
      schema = uniqueSchema();
    });
    afterEach(async () => {
      // Ending the sessions first: an open transaction would hold back whatever runs next on the server.
      await Promise.all(transactions.splice(0).map((transaction) => transaction.end()));
      await Promise.all(dispatchers.splice(0).map((dispatcher) => dispatcher.stop()));
      await Promise.all(stores.splice(0).map((store) => store.close()));
      await dropSchemas(url, [schema]);
    });

    async function open(storeUrl = url!): Promise<EventStore> {
      const store = await EventStore.open({ postgres: storeUrl, schema, poolSize: 2, events: [Noted] });
      stores.push(store);
      return store;
    }

    /** A store and a recorder that has handled a first event, live; a second store for "another process". */
    async function running(options: { logger?: ReturnType<typeof capturingLogger>['logger']; horizonStallWarnMs?: number } = {}) {
      const store = await open();
      const writer = await open();
      const recorder = new Recorder();
      const dispatcher = await Dispatcher.start(store, [recorder], { logger: false, pollIntervalMs: 20, ...options });
      dispatchers.push(dispatcher);
      const { events } = await writer.append(stream, [new Noted(0)]);
      await until(() => recorder.positions.includes(events[0]!.position), 'the first event was not handled');
      return { store, writer, recorder, dispatcher, before: events[0]!.position };
    }

    async function hold(onUrl = url!): Promise<OpenTransaction> {
      const transaction = await holdTransaction(onUrl);
      transactions.push(transaction);
      return transaction;
    }

    async function appendThree(writer: EventStore): Promise<number[]> {
      const { events } = await writer.append(stream, [new Noted(1), new Noted(2), new Noted(3)]);
      return events.map((event) => event.position);
    }

    /** What names the session of `transaction`, to every role. */
    function sessionOf(transaction: OpenTransaction) {
      return { kind: 'session', pid: transaction.pid, transactionId: transaction.transactionId, database: transaction.database, user: new URL(url!).username };
    }

    /**
     * The stall as `status()` reports it once it names `transaction`. Other sessions on the server
     * may hold readers back for a moment too, while they are older than it; once the transaction
     * is the oldest one running, it stays so until it ends.
     */
    async function stallHeldBy(operations: SubscriberOperations, transaction: OpenTransaction): Promise<HorizonStall> {
      let stall: HorizonStall | null = null;
      await until(
        async () => {
          ({ stall } = await operations.status());
          return sessionHolder(stall)?.pid === transaction.pid;
        },
        () => `status did not name the open transaction (it named ${JSON.stringify(stall?.holder)})`,
      );
      return stall!;
    }

    function sessionHolder(stall: HorizonStall | undefined | null): SessionHolder | undefined {
      return stall?.holder?.kind === 'session' ? stall.holder : undefined;
    }

    it('shows on the subscriber the stall, the open transaction holding it and its age, and delivers everything once it ends', async () => {
      const { writer, recorder, dispatcher, before } = await running();
      const transaction = await hold();
      const positions = await appendThree(writer);

      await until(() => sessionHolder(dispatcher.stats()[0]!.stalled)?.pid === transaction.pid, 'the subscriber was never shown as held back by the open transaction');
      const { stalled } = dispatcher.stats()[0]!;
      expect(stalled).to.include({ readableHead: before, latestPosition: positions.at(-1) });
      expect(stalled!.since).to.be.instanceOf(Date);
      expect(stalled!.forMs).to.be.a('number').at.least(0);
      expect(stalled!.holder).to.include({ ...sessionOf(transaction), state: 'idle in transaction', redacted: false });
      expect(sessionHolder(stalled)!.query).to.match(/pg_current_xact_id/);
      expect(sessionHolder(stalled)!.transactionAgeMs).to.be.a('number').at.least(0);
      expect(sessionHolder(stalled)!.xidAge).to.be.at.least(1);
      // Held, not skipped: none of the three is delivered while the transaction is open.
      expect(recorder.positions).to.deep.equal([before]);

      await transaction.commit();
      await until(() => recorder.positions.length === 4, 'the events held back were not delivered');
      expect(recorder.positions).to.deep.equal([before, ...positions]);
      await until(() => dispatcher.stats()[0]!.stalled === undefined, 'the stall was still shown after the transaction ended');
    });

    it('warns once past horizonStallWarnMs, naming the transaction and how to end it, and says when it ends', async () => {
      const { lines, logger } = capturingLogger();
      const { writer, recorder, dispatcher } = await running({ logger, horizonStallWarnMs: 1 });
      const transaction = await hold();
      await appendThree(writer);

      // Only the lines about this transaction: another session on the server, older than it, may
      // hold readers back for a moment first, and be warned about in its turn.
      const about = (level: string) => lines.filter((line) => line.level === level && line.line.includes(`backend pid ${transaction.pid} `));
      await until(() => about('warn').length > 0, 'no warning named the open transaction');
      const [warning] = about('warn');
      for (const fact of [
        `subscriber 'horizon-recorder' is held back`,
        `the transaction of backend pid ${transaction.pid} (database ${transaction.database}`,
        'idle in transaction, transaction open',
        'Nothing is lost',
        `commit or roll back that transaction, or end its session with \`select pg_terminate_backend(${transaction.pid})\``,
      ]) {
        expect(warning!.line).to.include(fact);
      }
      // Looked at again while it lasts, the stall is not warned about twice.
      await until(() => (dispatcher.stats()[0]!.stalled?.forMs ?? 0) >= 2500, 'the stall did not last');
      await transaction.commit();
      await until(() => recorder.positions.length === 4, 'the events held back were not delivered');
      await until(() => about('info').length > 0, 'the end of the stall was not logged');
      expect(about('warn')).to.have.length(1);
      expect(about('info')).to.have.length(1);
      expect(about('info')[0]!.line).to.match(
        new RegExp(
          `^eventfold: subscriber 'horizon-recorder' is no longer held back: the transaction of backend pid ${transaction.pid} ended after holding readers back for \\d+ (ms|s)\\.$`,
        ),
      );
    });

    it('is shown by eventfold status, in its table and in --json, until the transaction ends', async () => {
      const { store, writer, recorder, before } = await running();
      const transaction = await hold();
      const positions = await appendThree(writer);
      const operations = new SubscriberOperations(store);
      await stallHeldBy(operations, transaction);
      await until(async () => (await operations.status()).subscribers[0]!.stalled, 'status never showed the subscriber held back');

      const json = await runCli(['status', '--json', '--db', url, '--schema', schema]);
      expect(json.code).to.equal(0);
      const report = JSON.parse(json.stdout) as { head: number; stall: HorizonStall & { since: string }; subscribers: Array<{ name: string; stalled: boolean }> };
      expect(report.head).to.equal(before);
      expect(report.stall).to.include({ readableHead: before, latestPosition: positions.at(-1) });
      expect(report.stall.holder).to.include({ kind: 'session', pid: transaction.pid, database: transaction.database, state: 'idle in transaction' });
      expect(new Date(report.stall.since).toISOString()).to.equal(report.stall.since);
      expect(report.subscribers.map(({ name, stalled }) => ({ name, stalled }))).to.deep.equal([{ name: 'horizon-recorder', stalled: true }]);

      const text = await runCli(['status', '--db', url, '--schema', schema]);
      expect(text.code).to.equal(0);
      const lines = text.stdout.trimEnd().split('\n');
      expect(lines[0]).to.equal(`Log head: position ${before} (readable; events up to ${positions.at(-1)} wait for an open transaction, see below)`);
      expect(lines[2]).to.match(/^SUBSCRIBER +KIND +STATE +CHECKPOINT +LAG +DEAD LETTERS +HELD BY +STALLED$/);
      expect(lines[3]).to.match(new RegExp(`^horizon-recorder +handler +running +${before} +0 +0 +\\S+ +[\\d.]+ (ms|s|min)`));
      expect(lines[5]).to.match(
        new RegExp(
          `^Stalled: the events committed after position ${before} \\(up to ${positions.at(-1)}\\) have waited .+ for the transaction of backend pid ${transaction.pid} \\(`,
        ),
      );
      expect(lines[6]).to.include(`select pg_terminate_backend(${transaction.pid})`);

      await transaction.commit();
      await until(() => recorder.positions.length === 4, 'the events held back were not delivered');
      await until(async () => (await operations.status()).stall === null, 'status still showed the stall');
      const after = await runCli(['status', '--db', url, '--schema', schema]);
      expect(after.stdout).not.to.match(/STALLED|Stalled/);
      expect(after.stdout.split('\n')[0]).to.equal(`Log head: position ${positions.at(-1)}`);
    });

    it('is held back by an open transaction in another database of the server too', async () => {
      const store = await open();
      const transaction = await hold(urlWith(url, { database: 'postgres' }));
      const positions = await appendThree(store);

      const stall = await stallHeldBy(new SubscriberOperations(store), transaction);
      expect(stall.holder).to.include({ pid: transaction.pid, database: 'postgres' });
      expect(await collect(store.readAll())).to.deep.equal([]);

      await transaction.commit();
      await until(async () => (await store.headPosition()) === positions.at(-1), 'the events did not become readable');
      expect((await collect(store.readAll())).map((recorded) => recorded.position)).to.deep.equal(positions);
    });

    describe('seen by a role without pg_read_all_stats', () => {
      const role = `eventfold_spec_reader_${process.pid}`;
      const admin = new Client({ connectionString: url });

      before(async () => {
        await admin.connect();
        await admin.query(`drop role if exists ${role}`);
        await admin.query(`create role ${role} login`);
      });
      after(async () => {
        await admin.query(`drop owned by ${role}`).catch(() => undefined);
        await admin.query(`drop role if exists ${role}`);
        await admin.end();
      });

      it('names the session, and says its state and statement are hidden', async () => {
        const store = await open();
        await appendThree(store);
        await admin.query(`grant usage on schema "${schema}" to ${role}; grant select on all tables in schema "${schema}" to ${role}`);
        const reader = await EventStore.open({ postgres: urlWith(url, { user: role }), schema, poolSize: 1, migrate: false });
        stores.push(reader);
        const transaction = await hold();
        const positions = await appendThree(store);

        const stall = await stallHeldBy(new SubscriberOperations(reader), transaction);
        expect(stall).to.include({ latestPosition: positions.at(-1) });
        // What every role sees of every session:
        expect(stall.holder).to.include({ ...sessionOf(transaction), redacted: true });
        // What only the session's own role, or one with pg_read_all_stats, sees:
        expect(stall.holder).to.include({ state: null, transactionAgeMs: null, query: null });
      });
    });

    describe('a prepared transaction', () => {
      const gid = `eventfold-spec-${process.pid}`;
      let admin: Client | undefined;

      beforeEach(async function () {
        const client = new Client({ connectionString: url });
        await client.connect();
        const { rows } = await client.query<{ max_prepared_transactions: string }>('show max_prepared_transactions');
        if (Number(rows[0]!.max_prepared_transactions) === 0) {
          process.stdout.write('Prepared-transaction spec skipped: max_prepared_transactions is 0 on this server (set it above 0 to run it).\n');
          await client.end();
          this.skip();
        }
        admin = client;
      });
      afterEach(async () => {
        if (!admin) return;
        // A prepared transaction outlives its session: left behind, it would hold every reader of the server back.
        const { rows } = await admin.query('select 1 from pg_prepared_xacts where gid = $1', [gid]);
        if (rows.length > 0) await admin.query(`rollback prepared '${gid}'`);
        await admin.end();
        admin = undefined;
      });

      it('holds subscribers back until it is committed, and is named by its gid', async () => {
        const { writer, recorder, dispatcher, before } = await running();
        const preparer = new Client({ connectionString: url });
        await preparer.connect();
        await preparer.query('begin');
        const { rows } = await preparer.query<{ xid: string }>('select pg_current_xact_id()::text as xid');
        await preparer.query(`prepare transaction '${gid}'`);
        await preparer.end();
        const positions = await appendThree(writer);

        await until(() => {
          const holder = dispatcher.stats()[0]!.stalled?.holder;
          return holder?.kind === 'prepared' && holder.gid === gid;
        }, 'the subscriber was never shown as held back by the prepared transaction');
        expect(dispatcher.stats()[0]!.stalled!.holder).to.include({ kind: 'prepared', gid, transactionId: rows[0]!.xid, user: new URL(url).username });
        const text = await runCli(['status', '--db', url, '--schema', schema]);
        expect(text.stdout).to.include(`prepared transaction '${gid}'`).and.include(`\`COMMIT PREPARED '${gid}'\` or \`ROLLBACK PREPARED '${gid}'\``);
        expect(recorder.positions).to.deep.equal([before]);

        await admin!.query(`commit prepared '${gid}'`);
        await until(() => recorder.positions.length === 4, 'the events held back were not delivered');
        expect(recorder.positions).to.deep.equal([before, ...positions]);
      });
    });
  });
}
