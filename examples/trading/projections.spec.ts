import { expect } from 'chai';
import { subscriberFixture, type SubscriberRun } from '../../lib/testing';
import { OrderCancelled, OrderFilled, OrderPlaced, PositionClosed, PositionIncreased, PositionOpened, PositionReduced } from './events';
import { Position } from './position';
import { OpenOrders, Positions, ProcessOutcomes, RealizedPnl } from './projections';
import { createReadModels, type ReadModels } from './read-models';

const at = new Date('2026-03-02T09:00:00Z');
const order = { type: 'Order', id: 'o-1' };
const ethereum = { type: 'Position', id: 'KRW-ETH' };
const placed = new OrderPlaced('o-1', 'KRW-BTC', 'bid', 90_000_000, 0.5, at);

/** A long position on KRW-ETH bought, added to, partly sold, then turned short: every kind of position event. */
const positionHistory = [
  new PositionOpened('KRW-ETH', 'long', 2, 1000, 2, 1001, 1),
  new PositionIncreased('KRW-ETH', 1, 1300, 1, 1101, 2),
  new PositionReduced('KRW-ETH', 1, 1500, 1.5, 397.5, 3),
  new PositionClosed('KRW-ETH', 2, 900, 1.8, -403.8, 4),
  new PositionOpened('KRW-ETH', 'short', 2, 900, 1.8, 899.1, 4),
];

describe('Trading projections', () => {
  let run: SubscriberRun<ReadModels>;
  beforeEach(async () => {
    run = await subscriberFixture<ReadModels>([new OpenOrders(), new Positions(), new RealizedPnl(), new ProcessOutcomes()], {
      store: { aggregates: [Position] },
      setup: (_db, store) => createReadModels(store),
    });
  });
  afterEach(() => run.close());

  describe('open-orders', () => {
    const openOrders = () => run.db.selectFrom('open_orders').selectAll().execute();

    it('lists a placed order with all of its volume open', async () => {
      await run.given(order, placed);
      expect(await openOrders()).to.deep.equal([
        { order_id: 'o-1', market: 'KRW-BTC', side: 'bid', price: 90_000_000, volume: 0.5, remaining: 0.5, status: 'open', placed_at: at.toISOString() },
      ]);
    });

    it('keeps what remains of a partly filled order', async () => {
      await run.given(order, placed, new OrderFilled('o-1', 't-1', 'KRW-BTC', 'bid', 90_000_000, 0.2, 9000, 0.3, at));
      const [row] = await openOrders();
      expect(row).to.include({ remaining: 0.3, status: 'partially-filled' });
    });

    it('drops an order once it is filled or cancelled', async () => {
      await run.given(order, placed, new OrderFilled('o-1', 't-1', 'KRW-BTC', 'bid', 90_000_000, 0.5, 22_500, 0, at));
      await run.given({ type: 'Order', id: 'o-2' }, new OrderPlaced('o-2', 'KRW-XRP', 'ask', 820, 1500, at), new OrderCancelled('o-2', 'cancelled by trader', 1500));
      expect(await openOrders()).to.deep.equal([]);
    });
  });

  describe('positions', () => {
    it('keeps each market’s position equal to the Position aggregate replayed from the same events', async () => {
      await run.given(ethereum, ...positionHistory);
      const position = await run.store.repository(Position).load('KRW-ETH');
      expect(await run.db.selectFrom('positions').selectAll().execute()).to.deep.equal([
        {
          market: 'KRW-ETH',
          direction: position.direction,
          volume: position.volume,
          average_entry_price: position.averageEntryPrice,
          realized_pnl: position.realizedPnl,
          fees: position.fees,
        },
      ]);
      expect(position).to.include({ direction: 'short', volume: 2, averageEntryPrice: 899.1, realizedPnl: -6.3, fees: 8.1 });
    });
  });

  describe('realized-pnl', () => {
    it('adds up the profit and the fees of every reduction and close of a market', async () => {
      await run.given(ethereum, ...positionHistory);
      expect(await run.db.selectFrom('realized_pnl').selectAll().execute()).to.deep.equal([{ market: 'KRW-ETH', realized_pnl: -6.3, fees: 3.3, reductions: 2 }]);
    });
  });

  describe('process-outcomes', () => {
    it('lists the orders cancelled because they expired, and no others', async () => {
      const [, cancelled] = await run.given(order, placed, new OrderCancelled('o-1', 'expired', 0.5));
      await run.given({ type: 'Order', id: 'o-2' }, new OrderPlaced('o-2', 'KRW-XRP', 'ask', 820, 1500, at), new OrderCancelled('o-2', 'cancelled by trader', 1500));
      const rows = await run.db.selectFrom('expired_orders').selectAll().execute();
      expect(rows.map((row) => ({ ...row, position: Number(row.position) }))).to.deep.equal([{ order_id: 'o-1', unfilled: 0.5, position: cancelled!.position }]);
    });

    it('lists the fills of stop-loss orders as sales, and no other fills', async () => {
      const stop = { type: 'Order', id: 'stop-KRW-ETH-7' };
      const [, filled] = await run.given(
        stop,
        new OrderPlaced('stop-KRW-ETH-7', 'KRW-ETH', 'ask', 950, 2, at),
        new OrderFilled('stop-KRW-ETH-7', 'trd-stop-KRW-ETH-7', 'KRW-ETH', 'ask', 950, 2, 0.95, 0, at),
      );
      await run.given(order, placed, new OrderFilled('o-1', 't-1', 'KRW-BTC', 'bid', 90_000_000, 0.5, 22_500, 0, at));
      const rows = await run.db.selectFrom('stop_loss_sales').selectAll().execute();
      expect(rows.map((row) => ({ ...row, position: Number(row.position) }))).to.deep.equal([
        { order_id: 'stop-KRW-ETH-7', market: 'KRW-ETH', price: 950, volume: 2, position: filled!.position },
      ]);
    });
  });
});
