import { expect } from 'chai';
import { Pool } from 'pg';
import { runTradingExample } from '../../examples/trading/main';
import { EventStore } from '../../lib';
import { dropSchemas, postgresUrlOrReportSkip, uniqueSchema } from '../support/backends';
import { runCli, TRADING_CONFIG } from './support/run-cli';

describe('eventfold on PostgreSQL: bad --db', () => {
  it('says it could not connect, and what to check, when no server answers', async () => {
    const { code, stdout, stderr } = await runCli(['status', '--db', 'postgres://nobody:secret@127.0.0.1:1/none']);

    expect(code).to.equal(1);
    expect(stdout).to.equal('');
    expect(stderr).to.match(
      /^error: Cannot open event store postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none schema public: could not connect \(.*ECONNREFUSED.*\); check that the server is running/,
    );
    expect(stderr).not.to.contain('secret');
  });

  it('refuses URLs of other databases, naming the kinds it opens', async () => {
    const { code, stderr } = await runCli(['status', '--db', 'mysql://root@127.0.0.1/test']);

    expect(code).to.equal(1);
    expect(stderr).to.equal('error: Cannot open mysql://root@127.0.0.1/test from the command line: give the file name of an SQLite database or a postgres:// URL.\n');
  });
});

const url = postgresUrlOrReportSkip();
if (url) {
  describe('eventfold on PostgreSQL', function () {
    this.timeout(120_000);
    const schema = uniqueSchema();
    const pool = new Pool({ connectionString: url, max: 1 });
    const sql = async <T>(text: string) => ((await pool.query(`set search_path to "${schema}"; ${text}`)) as unknown as Array<{ rows: T[] }>)[1]!.rows;

    before(async () => {
      // The trading example, unchanged but for the database it is given.
      // Orders expire long after the run: an expiry that fell due after the example caught up
      // would append while it stops, leaving subscribers behind the head the status spec reads.
      await runTradingExample({ database: url, schema, orders: 60, seed: 11, expireAfterMs: 3_600_000, print: () => undefined });
    });
    after(async () => {
      await pool.end();
      await dropSchemas(url, [schema]);
    });

    it('lists the streams of a schema the example filled', async () => {
      const streams = await sql<{ type: string; id: string; events: string }>(
        'select stream_type as type, stream_id as id, count(*) as events from eventfold_events group by 1, 2 order by min(position)',
      );
      const { code, stdout, stderr } = await runCli(['streams', '--db', url, '--schema', schema]);

      expect(stderr).to.equal('');
      expect(code).to.equal(0);
      const lines = stdout.trimEnd().split('\n');
      expect(lines.slice(1, -1).map((line) => line.split(/ +/).slice(0, 3))).to.deep.equal(streams.map((s) => [s.type, s.id, String(s.events)]));
      expect(lines[lines.length - 1]).to.equal(`${streams.length} streams`);
    });

    it("replays an order's history with the state after each event", async () => {
      const [order] = await sql<{ id: string; events: string }>(
        "select stream_id as id, count(*) as events from eventfold_events where stream_type = 'Order' group by stream_id having count(*) >= 2 order by min(position) limit 1",
      );
      const { code, stdout } = await runCli(['history', 'Order', order!.id, '--json', '--config', TRADING_CONFIG, '--db', url, '--schema', schema]);

      expect(code).to.equal(0);
      const steps = JSON.parse(stdout) as Array<{ event: { version: number; type: string }; state: Record<string, unknown> }>;
      expect(steps.map((step) => step.event.version)).to.deep.equal(Array.from({ length: Number(order!.events) }, (_, n) => n + 1));
      expect(steps[0]!.event.type).to.equal('OrderPlaced');
      expect(steps[0]!.state).to.include({ status: 'open' });
    });

    it('shows every subscriber caught up with the log', async () => {
      const [{ head }] = (await sql<{ head: string }>('select max(position) as head from eventfold_events')) as [{ head: string }];
      // The head reported is the readable one, which a transaction elsewhere on the server can hold
      // back for a while after the example's last append.
      const store = await EventStore.open({ postgres: url, schema });
      await store.waitForReadable().finally(() => store.close());
      const { code, stdout } = await runCli(['status', '--json', '--db', url, '--schema', schema]);

      expect(code).to.equal(0);
      const status = JSON.parse(stdout) as { head: number; subscribers: Array<{ name: string; checkpoint: number; lag: number }> };
      expect(status.head).to.equal(Number(head));
      expect(status.subscribers.map((s) => [s.name, s.checkpoint, s.lag])).to.deep.equal(
        ['fill-notifier', 'open-orders', 'order-expiry', 'position-keeper', 'positions', 'process-outcomes', 'realized-pnl', 'stop-loss'].map((name) => [
          name,
          Number(head),
          0,
        ]),
      );
    });

    it('says a schema without an event log is not an eventfold database, and leaves it as it was', async () => {
      const empty = uniqueSchema();
      const { code, stderr } = await runCli(['streams', '--db', url, '--schema', empty]);

      expect(code).to.equal(1);
      expect(stderr).to.match(new RegExp(`^error: .* schema ${empty} is not an eventfold database: schema ${empty} has no eventfold_events table\\. Check --db`));
      const { rows } = await pool.query('select 1 from information_schema.schemata where schema_name = $1', [empty]);
      expect(rows).to.deep.equal([]);
    });
  });
}
