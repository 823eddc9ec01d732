import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore } from '../../lib';
import { main, Order, OrderPlaced, OrderShipped } from './quick-start';

describe('Quick start example', () => {
  let folder: string;
  let file: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'eventfold-quick-start-'));
    file = join(folder, 'quick-start.db');
  });

  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('loads the order back shipped, at version 2', async () => {
    const { order } = await main(file);

    expect(order).to.be.instanceOf(Order);
    expect(order).to.include({ item: 'keyboard', status: 'shipped', version: 2 });
    expect(order.pendingEvents).to.have.length(0);
  });

  it('shows how the order came to be, one step per event', async () => {
    const { history } = await main(file);

    expect(history).to.deep.equal([
      { version: 1, type: 'OrderPlaced', status: 'placed' },
      { version: 2, type: 'OrderShipped', status: 'shipped' },
    ]);
  });

  it('leaves both events in the file, readable by another store', async () => {
    const { order } = await main(file);
    const reader = await EventStore.open({ sqlite: file, events: [OrderPlaced, OrderShipped] });
    try {
      const stored = [];
      for await (const recorded of reader.readStream({ type: 'Order', id: order.id })) stored.push(recorded.event);

      expect(stored).to.have.length(2);
      expect(stored[0]).to.be.instanceOf(OrderPlaced).and.to.deep.include({ item: 'keyboard' });
      expect(stored[1]).to.be.instanceOf(OrderShipped).and.to.deep.include({ carrier: 'post' });
    } finally {
      await reader.close();
    }
  });

  it('places a new order on each run, so it can run twice on one file', async () => {
    const first = await main(file);
    const second = await main(file);

    expect(second.order.id).not.to.equal(first.order.id);
    expect(second.order.version).to.equal(2);
  });
});
