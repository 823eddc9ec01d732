import { expect } from 'chai';
import { collect } from '../../spec/support/expect-rejection';
import { subscriberFixture } from '../../lib/testing';
import { OrderFilled, PositionOpened } from './events';
import { FlakySender } from './flaky-sender';
import { FillNotifier, PositionKeeper } from './handlers';
import { Position } from './position';
import { createReadModels, readModels, type ReadModels } from './read-models';

const at = new Date('2026-03-02T09:00:00Z');
const order = { type: 'Order', id: 'o-1' };
const fill = new OrderFilled('o-1', 't-1', 'KRW-BTC', 'bid', 90_000_000, 0.2, 9000, 0.3, at);

describe('Trading handlers', () => {
  describe('position-keeper', () => {
    it('takes each fill into the Position of its market, caused by the trade', async () => {
      const run = await subscriberFixture((store) => new PositionKeeper(store), { store: { aggregates: [Position] } });
      try {
        const [recorded] = await run.given(order, fill);
        const position = await run.store.repository(Position).load('KRW-BTC');
        expect(position).to.include({ direction: 'long', volume: 0.2, lastFillPosition: recorded!.position });
        const [opened, ...others] = await collect(run.store.readStream({ type: 'Position', id: 'KRW-BTC' }));
        expect(others).to.deep.equal([]);
        expect(opened?.event).to.be.instanceOf(PositionOpened);
        expect(opened?.metadata).to.include({ causationId: 't-1' });
      } finally {
        await run.close();
      }
    });
  });

  describe('fill-notifier', () => {
    const notifierWith = (failureRate: number) =>
      subscriberFixture<ReadModels>((store) => new FillNotifier(new FlakySender(readModels(store), failureRate, 0)), {
        setup: (_db, store) => createReadModels(store),
        // A sender that always fails parks the event on purpose; its report would only be noise here.
        dispatcher: { logger: false },
      });

    it('tells the trader about a fill once, keyed by the event id', async () => {
      const run = await notifierWith(0);
      try {
        const [recorded] = await run.given(order, fill);
        expect(await run.db.selectFrom('notifications').select(['event_id', 'order_id', 'message']).execute()).to.deep.equal([
          { event_id: recorded!.eventId, order_id: 'o-1', message: 'Bought 0.2 BTC at 90,000,000 KRW' },
        ]);
      } finally {
        await run.close();
      }
    });

    it('parks a fill in the dead letters when every attempt to send fails', async () => {
      const run = await notifierWith(1);
      try {
        await run.given(order, fill);
        expect(await run.db.selectFrom('notifications').selectAll().execute()).to.deep.equal([]);
        const [letter] = await run.deadLetters('fill-notifier');
        expect(letter).to.include({ attempts: 3, halted: false, eventType: 'OrderFilled', errorMessage: 'notification service unavailable (attempt 3)' });
      } finally {
        await run.close();
      }
    });
  });
});
