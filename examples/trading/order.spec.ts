import { expect } from 'chai';
import { aggregateFixture } from '../../lib/testing';
import { OrderCancelled, OrderFilled, OrderPlaced, OrderRejected } from './events';
import { Order, OrderRuleError } from './order';

const at = new Date('2026-03-02T09:00:00Z');
const orders = aggregateFixture(Order, { id: 'o-1' });
/** A bid for 0.5 BTC at 90,000,000 KRW. */
const placed = orders.given(new OrderPlaced('o-1', 'KRW-BTC', 'bid', 90_000_000, 0.5, at));
/** The same order after a trade of 0.2 BTC, with 0.3 left. */
const partlyFilled = placed.given(new OrderFilled('o-1', 't-1', 'KRW-BTC', 'bid', 90_000_000, 0.2, 9000, 0.3, at));

describe('Order', () => {
  describe('place', () => {
    it('places a limit order on a known market, rounding its volume to 8 decimals', () => {
      const order = orders
        .when(() => Order.place('o-1', 'KRW-ETH', 'ask', 4_600_000, 0.123456789, at))
        .thenEvents(new OrderPlaced('o-1', 'KRW-ETH', 'ask', 4_600_000, 0.12345679, at));
      expect(order).to.include({ status: 'open', remaining: 0.12345679 });
    });

    for (const [broken, market, price, volume, reason] of [
      ['a price that is not positive', 'KRW-BTC', 0, 1, 'price must be positive, got 0'],
      ['a volume that is not positive', 'KRW-BTC', 1, -1, 'volume must be positive, got -1'],
      ['an unknown market', 'USD-BTC', 1, 1, 'unknown market USD-BTC'],
    ] as const) {
      it(`records an order with ${broken} as rejected, with the reason`, () => {
        const order = orders.when(() => Order.place('o-2', market, 'ask', price, volume, at)).thenEvents(new OrderRejected('o-2', market, reason));
        expect(order.status).to.equal('rejected');
      });
    }
  });

  describe('fill', () => {
    it('fills part of an open order, charging the fee on the traded amount', () => {
      const order = placed
        .when((order) => order.fill('t-1', 90_000_000, 0.2, at))
        .thenEvents(new OrderFilled('o-1', 't-1', 'KRW-BTC', 'bid', 90_000_000, 0.2, 9000, 0.3, at));
      expect(order).to.include({ status: 'partially-filled', remaining: 0.3, fees: 9000, fills: 1 });
    });

    it('fills what remains of a partly filled order', () => {
      const order = partlyFilled
        .when((order) => order.fill('t-2', 89_990_000, 0.3, at))
        .thenEvents(new OrderFilled('o-1', 't-2', 'KRW-BTC', 'bid', 89_990_000, 0.3, 13498.5, 0, at));
      expect(order).to.include({ status: 'filled', remaining: 0, fees: 22498.5, fills: 2 });
    });

    it('refuses a fill larger than what remains', () => {
      placed.when((order) => order.fill('t-1', 90_000_000, 0.6, at)).thenError(OrderRuleError, /exceeds the remaining 0.5/);
      partlyFilled.when((order) => order.fill('t-2', 90_000_000, 0.4, at)).thenError(OrderRuleError, /exceeds the remaining 0.3/);
    });

    it('refuses a fill whose price or volume is not positive', () => {
      placed.when((order) => order.fill('t-1', 0, 0.1, at)).thenError(OrderRuleError, 'fill price and volume must be positive');
      placed.when((order) => order.fill('t-1', 90_000_000, 0, at)).thenError(OrderRuleError, 'fill price and volume must be positive');
    });

    it('refuses to fill an order that is cancelled, filled or rejected', () => {
      partlyFilled
        .given(new OrderCancelled('o-1', 'enough', 0.3))
        .when((order) => order.fill('t-2', 90_000_000, 0.1, at))
        .thenError(OrderRuleError, /cannot fill a cancelled order/);
      partlyFilled
        .given(new OrderFilled('o-1', 't-2', 'KRW-BTC', 'bid', 90_000_000, 0.3, 13500, 0, at))
        .when((order) => order.fill('t-3', 90_000_000, 0.1, at))
        .thenError(OrderRuleError, /cannot fill a filled order/);
      orders
        .given(new OrderRejected('o-1', 'USD-BTC', 'unknown market USD-BTC'))
        .when((order) => order.fill('t-1', 1, 1, at))
        .thenError(OrderRuleError, /cannot fill a rejected order/);
    });
  });

  describe('cancel', () => {
    it('cancels what remains of an open order', () => {
      const order = partlyFilled.when((order) => order.cancel('enough')).thenEvents(new OrderCancelled('o-1', 'enough', 0.3));
      expect(order).to.include({ status: 'cancelled', remaining: 0.3 });
    });

    it('refuses to cancel an order that can no longer trade', () => {
      partlyFilled
        .given(new OrderCancelled('o-1', 'enough', 0.3))
        .when((order) => order.cancel('again'))
        .thenError(OrderRuleError, /cannot cancel a cancelled order/);
      orders.when((order) => order.cancel('never placed')).thenError(OrderRuleError, /cannot cancel a new order/);
    });
  });
});
