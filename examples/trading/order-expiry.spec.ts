import { expect } from 'chai';
import type { EventStore } from '../../lib';
import { subscriberFixture, type SubscriberRun } from '../../lib/testing';
import { collect } from '../../spec/support/expect-rejection';
import { OrderCancelled, OrderFilled, OrderPlaced } from './events';
import { Order } from './order';
import { OrderExpiry } from './order-expiry';

const at = new Date('2026-03-02T09:00:00Z');
const order = { type: 'Order', id: 'o-1' };
/** A bid for 0.5 BTC. */
const placed = new OrderPlaced('o-1', 'KRW-BTC', 'bid', 90_000_000, 0.5, at);
const partFill = new OrderFilled('o-1', 't-1', 'KRW-BTC', 'bid', 90_000_000, 0.2, 9000, 0.3, at);
const lastFill = new OrderFilled('o-1', 't-2', 'KRW-BTC', 'bid', 90_000_000, 0.3, 13500, 0, at);

/** The order-expiry deadlines waiting in the store, by order. */
async function pendingExpiries(store: EventStore): Promise<Array<{ order: string; name: string; inMs: number }>> {
  const rows = await store.db.selectFrom('eventfold_deadlines').selectAll().where('process_manager', '=', 'order-expiry').orderBy('instance_key').execute();
  return (rows as Array<{ instance_key: string; name: string; due_at: number | string; scheduled_at: string }>).map((row) => ({
    order: row.instance_key,
    name: row.name,
    inMs: Number(row.due_at) - new Date(row.scheduled_at).getTime(),
  }));
}

/** The order-expiry instances running, by order. */
async function watchedOrders(store: EventStore): Promise<string[]> {
  const rows = await store.db.selectFrom('eventfold_process_instances').select('key').where('process_manager', '=', 'order-expiry').orderBy('key').execute();
  return rows.map((row: { key: string }) => row.key);
}

describe('order-expiry', () => {
  describe('with orders that expire after a minute', () => {
    let run: SubscriberRun;
    beforeEach(async () => (run = await subscriberFixture(new OrderExpiry(60_000), { store: { aggregates: [Order] } })));
    afterEach(() => run.close());

    it('schedules the expiry of a placed order a minute after it was placed', async () => {
      await run.given(order, placed);
      expect(await watchedOrders(run.store)).to.deep.equal(['o-1']);
      expect(await pendingExpiries(run.store)).to.deep.equal([{ order: 'o-1', name: 'expire', inMs: 60_000 }]);
    });

    it('keeps watching an order that is partly filled', async () => {
      await run.given(order, placed, partFill);
      expect(await pendingExpiries(run.store)).to.have.length(1);
    });

    it('stops watching an order once it is filled, and its expiry never fires', async () => {
      await run.given(order, placed, partFill, lastFill);
      expect(await watchedOrders(run.store)).to.deep.equal([]);
      expect(await pendingExpiries(run.store)).to.deep.equal([]);
    });

    it('stops watching an order once it is cancelled', async () => {
      await run.given(order, placed, new OrderCancelled('o-1', 'cancelled by trader', 0.5));
      expect(await watchedOrders(run.store)).to.deep.equal([]);
      expect(await pendingExpiries(run.store)).to.deep.equal([]);
    });
  });

  describe('with orders that expire at once', () => {
    let run: SubscriberRun;
    beforeEach(async () => (run = await subscriberFixture(new OrderExpiry(0), { store: { aggregates: [Order] } })));
    afterEach(() => run.close());

    /** Places the order, lets its expiry fall due and be delivered, and returns the order's events. */
    async function expireOrder(...history: object[]) {
      await run.given(order, placed, ...history);
      // The step of OrderPlaced scheduled the expiry; idle() delivers the deadlines due by now.
      await run.idle();
      return collect(run.store.readStream(order));
    }

    it('cancels what remains of an order still open when its expiry falls due, caused by the deadline', async () => {
      const [, , cancelled, ...more] = await expireOrder(partFill);
      expect(more).to.deep.equal([]);
      expect(cancelled?.event).to.deep.equal(new OrderCancelled('o-1', 'expired', 0.3));
      expect(String(cancelled?.metadata.causationId)).to.match(/^deadline:/);
      expect((await run.store.repository(Order).load('o-1')).status).to.equal('cancelled');
      expect(await watchedOrders(run.store)).to.deep.equal([]);
      expect(await pendingExpiries(run.store)).to.deep.equal([]);
    });

    it('cancels an expired order once: the ended instance has no expiry left', async () => {
      const events = await expireOrder();
      await run.idle();
      expect(events.map((recorded) => recorded.type)).to.deep.equal(['OrderPlaced', 'OrderCancelled']);
      expect((await collect(run.store.readStream(order))).length).to.equal(2);
      expect(await pendingExpiries(run.store)).to.deep.equal([]);
    });

    it('never delivers the expiry of an order filled before it fell due', async () => {
      const events = await expireOrder(partFill, lastFill);
      expect(events.map((recorded) => recorded.type)).to.deep.equal(['OrderPlaced', 'OrderFilled', 'OrderFilled']);
    });
  });
});
