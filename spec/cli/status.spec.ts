import { expect } from 'chai';
import { runCli, TRADING_CONFIG } from './support/run-cli';
import { query, tradingDatabase } from './support/trading-database';

describe('eventfold status', () => {
  let db: string;
  let head: number;
  let deadLetters: number;

  before(async function () {
    this.timeout(120_000);
    db = await tradingDatabase();
    head = query<{ head: number }>(db, 'select max(position) as head from eventfold_events')[0]!.head;
    deadLetters = query<{ count: number }>(db, 'select count(*) as count from eventfold_dead_letters')[0]!.count;
  });

  it('shows every subscriber with its checkpoint, lag, state and dead letters', async () => {
    const { code, stdout, stderr } = await runCli(['status', '--config', TRADING_CONFIG, '--db', db]);

    expect(stderr).to.equal('');
    expect(code).to.equal(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).to.equal(`Log head: position ${head}`);
    expect(lines[2]).to.match(/^SUBSCRIBER +KIND +STATE +CHECKPOINT +LAG +DEAD LETTERS +HELD BY$/);
    expect(lines.slice(3).map((line) => line.split(/ +/))).to.deep.equal([
      ['fill-notifier', 'handler', 'stopped', String(head), '0', String(deadLetters), '-'],
      ['open-orders', 'projection', 'stopped', String(head), '0', '0', '-'],
      ['order-expiry', 'process-manager', 'stopped', String(head), '0', '0', '-'],
      ['position-keeper', 'handler', 'stopped', String(head), '0', '0', '-'],
      ['positions', 'projection', 'stopped', String(head), '0', '0', '-'],
      ['process-outcomes', 'projection', 'stopped', String(head), '0', '0', '-'],
      ['realized-pnl', 'projection', 'stopped', String(head), '0', '0', '-'],
      ['stop-loss', 'process-manager', 'stopped', String(head), '0', '0', '-'],
    ]);
  });

  it('prints the same as JSON with --json, and needs no config', async () => {
    const { code, stdout } = await runCli(['status', '--json', '--db', db]);

    expect(code).to.equal(0);
    const report = JSON.parse(stdout) as { head: number; stall: unknown; subscribers: Array<Record<string, unknown>> };
    expect(report.head).to.equal(head);
    // SQLite commits one append at a time: readers are never held back.
    expect(report.stall).to.equal(null);
    expect(report.subscribers[0]).to.deep.equal({
      name: 'fill-notifier',
      kind: 'handler',
      state: 'stopped',
      checkpoint: head,
      lag: 0,
      deadLetters,
      heldBy: null,
      reason: null,
      crash: null,
      stalled: false,
    });
  });
});
