import { expect } from 'chai';
import { join } from 'node:path';
import { Dispatcher, EventStore } from '../../lib';
import { dropSchemas, postgresUrlOrReportSkip, uniqueSchema } from '../support/backends';
import { EXPIRY_MS, OrderExpiry, OrderFilled, OrderPlaced, PaymentReminders } from './fixtures/order-expiry.config';
import { ROOT, runCli } from './support/run-cli';
import { scratchFolder } from './support/trading-database';

const CONFIG = join(ROOT, 'spec', 'cli', 'fixtures', 'order-expiry.config.ts');
const LONG_NOTE = 'deliver to the back door, ring twice, and leave the parcel with the neighbour if nobody answers';

/** A database the command line is pointed at, on one backend. */
interface CliDatabase {
  readonly name: string;
  /** `--db` (and `--schema`) naming it. */
  readonly args: readonly string[];
  open(): Promise<EventStore>;
  remove(): Promise<void>;
}

function sqliteDatabase(): CliDatabase {
  const file = join(scratchFolder(), 'orders.db');
  return { name: 'sqlite', args: ['--db', file], open: () => EventStore.open({ sqlite: file }), remove: async () => undefined };
}

function postgresDatabase(url: string): CliDatabase {
  const schema = uniqueSchema();
  return { name: 'postgres', args: ['--db', url, '--schema', schema], open: () => EventStore.open({ postgres: url, schema }), remove: () => dropSchemas(url, [schema]) };
}

/**
 * Three orders through both process managers: o-1 and o-2 wait to expire, o-2 with a state too
 * long for the table, o-3 was filled and its expiry ended (and kept). Then, as the deadline
 * delivery would leave them: o-2's expiry overdue after two failed deliveries, and o-1's reminder
 * failed for good.
 */
async function fill(database: CliDatabase): Promise<void> {
  const store = await database.open();
  try {
    const dispatcher = await Dispatcher.start(store, [new OrderExpiry(), new PaymentReminders()], { logger: false });
    await store.append({ type: 'Order', id: 'o-1' }, [new OrderPlaced('o-1', 'KRW-BTC', 2)]);
    await store.append({ type: 'Order', id: 'o-2' }, [new OrderPlaced('o-2', 'KRW-ETH', 1, LONG_NOTE)]);
    await store.append({ type: 'Order', id: 'o-3' }, [new OrderPlaced('o-3', 'KRW-XRP', 5), new OrderFilled('o-3')]);
    await dispatcher.idle();
    await dispatcher.stop();
    await store.db
      .updateTable('eventfold_deadlines')
      .set({ due_at: Date.now() - 90_000, attempts: 2, last_error: 'exchange unavailable' })
      .where('process_manager', '=', 'order-expiry')
      .where('instance_key', '=', 'o-2')
      .execute();
    await store.db
      .updateTable('eventfold_deadlines')
      .set({ status: 'failed', attempts: 5, last_error: 'mail server down' })
      .where('process_manager', '=', 'payment-reminders')
      .where('instance_key', '=', 'o-1')
      .execute();
  } finally {
    await store.close();
  }
}

/** An ISO time, as the UPDATED column shows it. */
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Checks table cells against texts and patterns, row by row, naming the first that differs. */
function expectCells(actual: string[][], expected: Array<Array<string | RegExp>>): void {
  expect(actual.map((row) => row.length)).to.deep.equal(expected.map((row) => row.length));
  expected.forEach((row, line) =>
    row.forEach((cell, column) => {
      const found = actual[line]![column]!;
      if (typeof cell === 'string') expect(found, `row ${line + 1}, column ${column + 1}`).to.equal(cell);
      else expect(found, `row ${line + 1}, column ${column + 1}`).to.match(cell);
    }),
  );
}

const url = postgresUrlOrReportSkip();
for (const make of [sqliteDatabase, ...(url ? [() => postgresDatabase(url)] : [])]) {
  const database = make();

  describe(`eventfold processes [${database.name}]`, function () {
    this.timeout(60_000);
    before(() => fill(database));
    after(() => database.remove());

    const cli = (...args: string[]) => runCli([...args, ...database.args]);

    it('lists the process managers with their instances and deadlines', async () => {
      const { code, stdout, stderr } = await cli('processes');

      expect(stderr).to.equal('');
      expect(code).to.equal(0);
      expect(stdout).to.equal(
        [
          'PROCESS MANAGER    RUNNING  ENDED  DEADLINES  OVERDUE  FAILED',
          'order-expiry             2      1          2        1       0',
          'payment-reminders        3      0          2        0       1',
          '',
        ].join('\n'),
      );
      expect((await cli('processes', 'list')).stdout).to.equal(stdout);
    });

    it('adds the process managers of the config that hold nothing yet, and prints JSON with --json', async () => {
      const { code, stdout } = await cli('processes', '--json', '--config', CONFIG);

      expect(code).to.equal(0);
      expect(JSON.parse(stdout)).to.deep.equal([
        { name: 'order-expiry', running: 2, ended: 1, pendingDeadlines: 2, overdueDeadlines: 1, failedDeadlines: 0 },
        { name: 'payment-reminders', running: 3, ended: 0, pendingDeadlines: 2, overdueDeadlines: 0, failedDeadlines: 1 },
        { name: 'refunds', running: 0, ended: 0, pendingDeadlines: 0, overdueDeadlines: 0, failedDeadlines: 0 },
      ]);
    });

    it('lists the running instances of one, with their state cut short and when their deadlines fall due', async () => {
      const { code, stdout, stderr } = await cli('processes', 'list', 'order-expiry');

      expect(stderr).to.equal('');
      expect(code).to.equal(0);
      const [heading, ...rows] = stdout.trimEnd().split('\n');
      expect(heading).to.match(/^KEY +STATUS +VERSION +UPDATED +STATE +DEADLINES$/);
      expectCells(
        rows.map((row) => row.split(/ {2,}/)),
        [
          ['o-1', 'running', '1', TIME, '{"market":"KRW-BTC","volume":2}', /^expire in 59 min \d+ s$/],
          ['o-2', 'running', '1', TIME, '{"market":"KRW-ETH","volume":1,"note":"deliver to the bac...', /^expire overdue by 1 min \d+ s \(2 failed attempts\)$/],
          ['2 running instances'],
        ],
      );
    });

    it('lists instances that only wait for deadlines, and marks failed deadlines', async () => {
      const { code, stdout } = await cli('processes', 'list', 'payment-reminders');

      expect(code).to.equal(0);
      expectCells(
        stdout
          .trimEnd()
          .split('\n')
          .slice(1)
          .map((row) => row.split(/ {2,}/)),
        [
          ['o-1', 'running', '0', '-', '-', 'remind FAILED after 5 attempts: mail server down'],
          ['o-2', 'running', '0', '-', '-', /^remind in 23 h 59 min$/],
          ['o-3', 'running', '0', '-', '-', /^remind in 23 h 59 min$/],
          ['3 running instances'],
        ],
      );
    });

    it('lists ended instances too with --ended, and no more than --limit', async () => {
      const ended = await cli('processes', 'list', 'order-expiry', '--ended');
      const limited = await cli('processes', 'list', 'order-expiry', '--limit', '1');

      expect(ended.code).to.equal(0);
      const rows = ended.stdout.trimEnd().split('\n');
      expect(rows.map((row) => row.split(/ {2,}/).slice(0, 3))).to.deep.equal([
        ['KEY', 'STATUS', 'VERSION'],
        ['o-1', 'running', '1'],
        ['o-2', 'running', '1'],
        ['o-3', 'ended', '2'],
        ['3 instances'],
      ]);
      expect(rows[3]).to.match(/ \{"market":"KRW-XRP","volume":5\} +-$/);
      expect(
        limited.stdout
          .trimEnd()
          .split('\n')
          .slice(1)
          .map((row) => row.split(/ {2,}/)[0]),
      ).to.deep.equal(['o-1', '1 of 2 running instances (--limit to list more)']);
    });

    it('prints each instance whole with --json: its state, and its deadlines with their times', async () => {
      const { code, stdout } = await cli('processes', 'list', 'order-expiry', '--json');

      expect(code).to.equal(0);
      const [first, second, ...more] = JSON.parse(stdout) as Array<Record<string, unknown> & { deadlines: Array<Record<string, unknown>> }>;
      expect(more).to.deep.equal([]);
      expect(first).to.deep.include({ processManager: 'order-expiry', key: 'o-1', status: 'running', state: { market: 'KRW-BTC', volume: 2 }, version: 1 });
      expect(second!.state).to.deep.equal({ market: 'KRW-ETH', volume: 1, note: LONG_NOTE });
      const [expire] = first!.deadlines;
      expect(expire).to.deep.include({ name: 'expire', payload: null, attempts: 0, status: 'pending', lastError: null });
      expect(Date.parse(expire!.dueAt as string) - Date.parse(expire!.scheduledAt as string)).to.equal(EXPIRY_MS);
      expect(second!.deadlines[0]).to.deep.include({ name: 'expire', attempts: 2, lastError: 'exchange unavailable' });
    });

    it('names the process managers it knows when the name is unknown', async () => {
      const bare = await cli('processes', 'list', 'order-expire');
      const configured = await cli('processes', 'list', 'order-expire', '--config', CONFIG);
      const idle = await cli('processes', 'list', 'refunds', '--config', CONFIG);

      expect(bare.code).to.equal(1);
      expect(bare.stdout).to.equal('');
      expect(bare.stderr).to.equal("error: Unknown process manager 'order-expire'. Known process managers: order-expiry, payment-reminders.\n");
      expect(configured.stderr).to.equal("error: Unknown process manager 'order-expire'. Known process managers: order-expiry, payment-reminders, refunds.\n");
      expect(idle.code).to.equal(0);
      expect(idle.stdout).to.equal("No running instances of 'refunds'.\n");
    });

    if (database.name === 'postgres') {
      it('says when a schema an older eventfold made has no tables of process managers', async () => {
        const store = await database.open();
        try {
          await store.db.schema.dropTable('eventfold_deadlines').execute();
          await store.db.schema.dropTable('eventfold_process_instances').execute();
          const { code, stdout, stderr } = await cli('processes');

          expect(code).to.equal(1);
          expect(stdout).to.equal('');
          expect(stderr).to.match(
            /^error: postgres:\/\/.* schema eventfold_spec_\w+ has no tables of process managers yet: an eventfold older than process managers made it/,
          );
          expect(stderr).to.contain('Open it once with the application (EventStore.open brings its tables up to date), then try again.\n');
        } finally {
          await store.close();
        }
      });
    }

    it('refuses to rebuild a process manager, saying how to list its instances instead', async () => {
      const { code, stdout, stderr } = await cli('rebuild', 'order-expiry', '--config', CONFIG);

      expect(code).to.equal(1);
      expect(stdout).to.equal('');
      expect(stderr).to.equal(
        "error: 'order-expiry' is a process manager and cannot be rebuilt: replaying its events would repeat the commands, events and deadlines its steps already committed. " +
          'List its instances with `eventfold processes list order-expiry`, and change what running instances do by changing the class.\n',
      );
    });
  });
}
