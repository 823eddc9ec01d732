import { expect } from 'chai';
import { EventStore } from '../../lib';
import { OrderCancelled } from '../../examples/trading/events';
import { Order } from '../../examples/trading/order';
import { until } from '../support/until';
import { startCli, TRADING_CONFIG } from './support/run-cli';
import { tradingDatabaseCopy } from './support/trading-database';

describe('eventfold tail', () => {
  it('prints events appended by another process as they come, and stops on SIGTERM', async function () {
    this.timeout(60_000);
    const db = await tradingDatabaseCopy();
    const tail = startCli(['tail', '--config', TRADING_CONFIG, '--db', db, '--interval', '50']);
    let stdout = '';
    let stderr = '';
    tail.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    tail.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => tail.on('close', resolve));
    await until(
      () => stderr.includes('stop with Ctrl-C'),
      () => `tail did not start: ${stderr}`,
      15_000,
    );

    const store = await EventStore.open({ sqlite: db, aggregates: [Order] });
    try {
      const order = Order.place('ord-tailed', 'KRW-BTC', 'bid', 91_000_000, 0.01, new Date());
      await store.repository(Order).save(order);
      await store.append({ type: 'Order', id: 'ord-tailed' }, [new OrderCancelled('ord-tailed', 'changed my mind', 0.01)]);
    } finally {
      await store.close();
    }
    await until(
      () => stdout.split('\n').length > 2,
      () => `tail printed no events: ${stdout}${stderr}`,
      15_000,
    );
    tail.kill('SIGTERM');

    expect(await exited).to.equal(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^#\d+ {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}Order ord-tailed v1 {2}OrderPlaced {2}\{"orderId":"ord-tailed","market":"KRW-BTC","side":"bid"/);
    expect(lines[1]).to.match(/^#\d+ {2}\S+ {2}Order ord-tailed v2 {2}OrderCancelled {2}\{"orderId":"ord-tailed","reason":"changed my mind","unfilled":0\.01\}$/);
    expect(stderr).to.match(/^Following trading-\d+\.db from position \d+; stop with Ctrl-C\.\n$/);
  });
});
