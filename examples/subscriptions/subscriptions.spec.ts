import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore } from '../../lib';
import { ConfirmationSent, main } from './subscriptions';

describe('Subscriptions example', () => {
  let folder: string;
  let file: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'eventfold-subscriptions-'));
    file = join(folder, 'shop.db');
  });

  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('mails one confirmation per order placed, cancelled or not', async () => {
    const { orderIds, mails } = await main(file);

    expect(mails).to.have.members([
      `Order ${orderIds[0]}: 1 x keyboard, confirmed.`,
      `Order ${orderIds[1]}: 2 x mouse, confirmed.`,
      `Order ${orderIds[2]}: 1 x monitor, confirmed.`,
    ]);
  });

  it('keeps a row per order not cancelled, marked confirmed by the event the handler published', async () => {
    const { orderIds, openOrders } = await main(file);

    expect(openOrders).to.deep.equal([
      { order_id: orderIds[0], item: 'keyboard', quantity: 1, confirmed: 1 },
      { order_id: orderIds[1], item: 'mouse', quantity: 2, confirmed: 1 },
    ]);
  });

  it('records the published confirmations on the bus, caused by the events they confirm', async () => {
    const { orderIds } = await main(file);
    const reader = await EventStore.open({ sqlite: file, events: [ConfirmationSent] });
    try {
      const confirmations = [];
      for await (const recorded of reader.readStream({ type: '$bus', id: 'ConfirmationSent' })) confirmations.push(recorded);

      expect(confirmations.map((recorded) => (recorded.event as ConfirmationSent).orderId)).to.have.members(orderIds);
      expect(confirmations.every((recorded) => typeof recorded.metadata.causationId === 'string')).to.equal(true);
    } finally {
      await reader.close();
    }
  });

  it('reports that each subscriber handled its events and caught up with the log', async () => {
    const { stats } = await main(file);

    // Seven events: three orders placed, one cancelled, three confirmations published.
    expect(stats.map(({ name, state, processed, checkpoint, lag, deadLettered }) => ({ name, state, processed, checkpoint, lag, deadLettered }))).to.deep.equal([
      { name: 'order-confirmations', state: 'live', processed: 3, checkpoint: 7, lag: 0, deadLettered: 0 },
      { name: 'open-orders', state: 'live', processed: 7, checkpoint: 7, lag: 0, deadLettered: 0 },
    ]);
  });

  it('rebuilds the read model from the whole log to the same rows', async () => {
    const { openOrders, rebuild, rebuiltOpenOrders } = await main(file);

    expect(rebuild).to.include({ done: 7, total: 7 });
    expect(rebuiltOpenOrders).to.deep.equal(openOrders);
  });

  it('keeps checkpoints in the file, so a second run mails only its own orders', async () => {
    const first = await main(file);
    const second = await main(file);

    expect(second.mails).to.have.length(3);
    expect(second.mails.some((mail) => first.orderIds.some((id) => mail.includes(id)))).to.equal(false);
    expect(second.openOrders.map((row) => row.order_id)).to.have.members([first.orderIds[0], first.orderIds[1], second.orderIds[0], second.orderIds[1]]);
    expect(second.rebuild).to.include({ done: 14, total: 14 });
  });
});
