import { expect } from 'chai';
import { startCli, TRADING_CONFIG } from './support/run-cli';
import { query, tradingDatabaseCopy } from './support/trading-database';
import { until } from '../support/until';

/** A running `eventfold ui`, once it has printed that it serves. */
interface RunningUi {
  readonly stdout: () => string;
  /** Stops it with SIGTERM and resolves to its exit code. */
  readonly stop: () => Promise<number | null>;
}

async function startUi(args: readonly string[]): Promise<RunningUi> {
  const ui = startCli(['ui', '--config', TRADING_CONFIG, '--port', '0', ...args]);
  let stdout = '';
  let stderr = '';
  ui.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  ui.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => ui.on('close', resolve));
  const stop = () => (ui.kill('SIGTERM'), exited);
  try {
    await until(
      () => stdout.includes('Stop with Ctrl-C'),
      () => `ui did not start: ${stdout}${stderr}`,
      20_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { stdout: () => stdout, stop };
}

describe('eventfold ui', function () {
  this.timeout(60_000);

  it('serves the browser over the config’s database, prints the operations token and stops on SIGTERM', async () => {
    const db = await tradingDatabaseCopy();
    const ui = await startUi(['--db', db, '--operations']);
    const stdout = ui.stdout();
    try {
      const url = /Event browser for trading-\d+\.db: (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      const token = /Authorization: Bearer (\S+)/.exec(stdout)?.[1];
      expect(url, stdout).to.be.a('string');
      expect(token, stdout).to.match(/^[\w-]{32}$/);
      expect(stdout).to.include(`${url}/?token=${token}`);

      const streams = await (await fetch(`${url}/streams?type=Order`)).text();
      const [orderId] = query<{ stream_id: string }>(db, "select stream_id from eventfold_events where stream_type = 'Order' order by position limit 1").map(
        (row) => row.stream_id,
      );
      expect(streams).to.include(`data-id="${orderId}"`);
      const history = await (await fetch(`${url}/streams/Order/${orderId}?version=1`)).text();
      expect(history).to.include('<strong data-testid="version">1</strong>');
      expect(history).to.include('data-testid="state"');

      const [letter] = query<{ id: number }>(db, 'select id from eventfold_dead_letters order by id limit 1');
      const refused = await fetch(`${url}/dead-letters/${letter!.id}/discard`, { method: 'POST', redirect: 'manual' });
      expect(refused.status).to.equal(401);
      expect(query(db, 'select id from eventfold_dead_letters where id = ?', letter!.id)).to.have.length(1);
      const discarded = await fetch(`${url}/dead-letters/${letter!.id}/discard`, { method: 'POST', redirect: 'manual', headers: { authorization: `Bearer ${token}` } });
      expect(discarded.status).to.equal(303);
      expect(query(db, 'select id from eventfold_dead_letters where id = ?', letter!.id)).to.have.length(0);
    } finally {
      expect(await ui.stop()).to.equal(0);
    }
  });

  it('is read-only without --operations, and says how to enable them', async () => {
    const db = await tradingDatabaseCopy();
    const ui = await startUi(['--db', db]);
    const stdout = ui.stdout();
    try {
      expect(stdout).to.include('Read-only; start with --operations');
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1];
      const [letter] = query<{ id: number }>(db, 'select id from eventfold_dead_letters order by id limit 1');
      const refused = await fetch(`${url}/dead-letters/${letter!.id}/discard`, {
        method: 'POST',
        redirect: 'manual',
        headers: { authorization: 'Bearer anything-at-all-here' },
      });
      expect(refused.status).to.equal(403);
      expect(await refused.text()).to.include('read-only');
      expect(query(db, 'select id from eventfold_dead_letters where id = ?', letter!.id)).to.have.length(1);
    } finally {
      expect(await ui.stop()).to.equal(0);
    }
  });

  it('fails with a message naming the port when the port is taken', async () => {
    const db = await tradingDatabaseCopy();
    const first = await startUi(['--db', db]);
    const stdout = first.stdout();
    try {
      const port = /127\.0\.0\.1:(\d+)/.exec(stdout)![1]!;
      const second = startCli(['ui', '--config', TRADING_CONFIG, '--db', db, '--port', port]);
      let stderr = '';
      second.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => second.on('close', resolve));
      expect(code).to.equal(1);
      expect(stderr).to.include(`error: The event browser cannot listen on 127.0.0.1:${port}: the port is in use. Choose another port with --port <n>`);
    } finally {
      expect(await first.stop()).to.equal(0);
    }
  });
});
