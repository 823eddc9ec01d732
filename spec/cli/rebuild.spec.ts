import { expect } from 'chai';
import { Dispatcher, EventStore } from '../../lib';
import { Order } from '../../examples/trading/order';
import { OpenOrders } from '../../examples/trading/projections';
import { runCli, TRADING_CONFIG } from './support/run-cli';
import { query, tradingDatabaseCopy } from './support/trading-database';

describe('eventfold rebuild', () => {
  let db: string;

  before(async function () {
    this.timeout(120_000);
    db = await tradingDatabaseCopy();
  });

  it('replays the whole log into the projection, ending with the total, and leaves the read model as it was', async () => {
    const before = query(db, 'select * from open_orders order by order_id');
    const head = query<{ head: number }>(db, 'select max(position) as head from eventfold_events')[0]!.head;

    const { code, stdout, stderr } = await runCli(['rebuild', 'open-orders', '--config', TRADING_CONFIG, '--db', db]);

    expect(code, stderr).to.equal(0);
    expect(stdout).to.match(new RegExp(`^Rebuilt open-orders: ${head}/${head} events in \\d[\\d.]* (ms|s) \\([\\d.]+ events/s\\)\\.\\n$`));
    expect(stderr.trimEnd().split('\n').pop()).to.match(new RegExp(`^open-orders: ${head}/${head} events, [\\d.]+ events/s$`));
    expect(query(db, 'select * from open_orders order by order_id')).to.deep.equal(before);
    expect(before.length).to.be.greaterThan(0);
  });

  it('lists the known projections when the name is unknown', async () => {
    const { code, stdout, stderr } = await runCli(['rebuild', 'open-order', '--config', TRADING_CONFIG, '--db', db]);

    expect(code).to.equal(1);
    expect(stdout).to.equal('');
    expect(stderr).to.equal("error: Unknown projection 'open-order'. Known projections: open-orders, positions, process-outcomes, realized-pnl.\n");
  });

  it('refuses to rebuild an event handler', async () => {
    const { code, stderr } = await runCli(['rebuild', 'fill-notifier', '--config', TRADING_CONFIG, '--db', db]);

    expect(code).to.equal(1);
    expect(stderr).to.equal(
      "error: 'fill-notifier' is an event handler, and only projections can be rebuilt. Known projections: open-orders, positions, process-outcomes, realized-pnl.\n",
    );
  });

  it('says which process runs the projection when another one holds it', async () => {
    const store = await EventStore.open({ sqlite: db, aggregates: [Order] });
    const dispatcher = await Dispatcher.start(store, [new OpenOrders()], { processId: 'trading-app:4242' });
    try {
      const { code, stderr } = await runCli(['rebuild', 'open-orders', '--config', TRADING_CONFIG, '--db', db]);

      expect(code).to.equal(1);
      expect(stderr).to.match(/^error: Cannot rebuild 'open-orders': 'open-orders' is running in another process \(trading-app:4242\)\. Stop that process and try again/);
    } finally {
      await dispatcher.stop();
      await store.close();
    }
  });
});
