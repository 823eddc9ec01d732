import { expect } from 'chai';
import type { RecordedEvent } from '../../lib';
import { subscriberFixture, type SubscriberRun } from '../../lib/testing';
import { collect } from '../../spec/support/expect-rejection';
import { OrderFilled, OrderPlaced, PositionClosed, PositionIncreased, PositionOpened, PositionReduced, PriceTicked } from './events';
import { Order } from './order';
import { Position } from './position';
import { StopLoss } from './stop-loss';

const at = new Date('2026-03-02T09:00:00Z');
const ethereum = { type: 'Position', id: 'KRW-ETH' };
/** 2 ETH bought at an average of 1,000 KRW, fees included: the stop is at 950 KRW. */
const opened = new PositionOpened('KRW-ETH', 'long', 2, 999, 2, 1000, 1);
const tick = (price: number, market: 'KRW-ETH' | 'KRW-BTC' = 'KRW-ETH') => new PriceTicked(market, price, at);

/** The orders the stop loss placed, each with its events. */
async function stopLossOrders(run: SubscriberRun): Promise<Array<{ id: string; events: RecordedEvent[] }>> {
  const orders = new Map<string, RecordedEvent[]>();
  for (const recorded of await collect(run.store.readAll())) {
    if (recorded.streamType === 'Order') orders.set(recorded.streamId, [...(orders.get(recorded.streamId) ?? []), recorded]);
  }
  return [...orders].map(([id, events]) => ({ id, events }));
}

/** The stop loss's state for a market, or undefined when no instance runs there. */
async function instanceOf(run: SubscriberRun, market: string): Promise<unknown> {
  const row = await run.store.db
    .selectFrom('eventfold_process_instances')
    .select('state')
    .where('process_manager', '=', 'stop-loss')
    .where('key', '=', market)
    .executeTakeFirst();
  return row && (typeof row.state === 'string' ? JSON.parse(row.state) : row.state);
}

describe('stop-loss', () => {
  let run: SubscriberRun;
  beforeEach(async () => (run = await subscriberFixture(new StopLoss(0.05), { store: { aggregates: [Order, Position] } })));
  afterEach(() => run.close());

  it('keeps the stop 5% below the average entry price of a long position', async () => {
    await run.given(ethereum, opened);
    expect(await instanceOf(run, 'KRW-ETH')).to.deep.equal({ volume: 2, threshold: 950 });
    await run.given(ethereum, new PositionIncreased('KRW-ETH', 1, 1200, 1, 1100, 2));
    expect(await instanceOf(run, 'KRW-ETH')).to.deep.equal({ volume: 3, threshold: 1045 });
  });

  it('sells the whole position at the first tick at or below the stop, caused by that tick', async () => {
    await run.given(ethereum, opened);
    await run.publish(tick(951));
    expect(await stopLossOrders(run)).to.deep.equal([]);
    const dip = await run.publish(tick(950));
    const [sale, ...more] = await stopLossOrders(run);
    expect(more).to.deep.equal([]);
    expect(sale?.id).to.equal(`stop-KRW-ETH-${dip.position}`);
    expect(sale?.events.map((recorded) => recorded.event)).to.deep.equal([
      new OrderPlaced(sale!.id, 'KRW-ETH', 'ask', 950, 2, at),
      new OrderFilled(sale!.id, `trd-${sale!.id}`, 'KRW-ETH', 'ask', 950, 2, 0.95, 0, at),
    ]);
    expect(sale?.events[0]?.metadata).to.include({ causationId: dip.eventId });
  });

  it('never sells twice while its sale has not reached the position', async () => {
    await run.given(ethereum, opened);
    await run.publish(tick(940));
    await run.publish(tick(900));
    expect(await stopLossOrders(run)).to.have.length(1);
  });

  it('ends once the sale closes the position, and protects the next long position anew', async () => {
    await run.given(ethereum, opened);
    await run.publish(tick(940));
    const [sale] = await stopLossOrders(run);
    await run.given(ethereum, new PositionClosed('KRW-ETH', 2, 940, 0.94, -121.88, sale!.events[1]!.position));
    expect(await instanceOf(run, 'KRW-ETH')).to.equal(undefined);
    await run.publish(tick(800));
    expect(await stopLossOrders(run)).to.have.length(1);
    await run.given(ethereum, new PositionOpened('KRW-ETH', 'long', 1, 800, 0.4, 800.4, 100));
    await run.publish(tick(700));
    expect(await stopLossOrders(run)).to.have.length(2);
  });

  it('protects what is left when buys it had not seen came before its sale', async () => {
    await run.given(ethereum, opened);
    await run.publish(tick(940));
    const [sale] = await stopLossOrders(run);
    // A buy of 1 ETH reached the position first, so the sale of 2 left 1.
    await run.given(ethereum, new PositionIncreased('KRW-ETH', 1, 1000, 0.5, 1000, 90), new PositionReduced('KRW-ETH', 2, 940, 0.94, -120.94, sale!.events[1]!.position));
    expect(await instanceOf(run, 'KRW-ETH')).to.deep.equal({ volume: 1, threshold: 950 });
    await run.publish(tick(930));
    expect(await stopLossOrders(run)).to.have.length(2);
  });

  it('leaves short positions and markets without a position alone', async () => {
    await run.given({ type: 'Position', id: 'KRW-BTC' }, new PositionOpened('KRW-BTC', 'short', 0.1, 90_000_000, 4500, 89_955_000, 1));
    await run.publish(tick(1, 'KRW-BTC'));
    await run.publish(tick(1));
    expect(await stopLossOrders(run)).to.deep.equal([]);
    expect(await instanceOf(run, 'KRW-BTC')).to.equal(undefined);
  });
});
