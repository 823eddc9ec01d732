import { ConcurrencyError, type EventStore, type Repository } from '../../lib';
import { roundVolume } from './amounts';
import { MARKETS, PriceTicked, type Market, type Side } from './events';
import { Order } from './order';

/** Reference prices in KRW per coin around which the simulated market moves. */
const REFERENCE_PRICES: Record<Market, number> = { 'KRW-BTC': 92_000_000, 'KRW-ETH': 4_600_000, 'KRW-XRP': 820 };
/** Typical order sizes in coins. */
const TYPICAL_VOLUMES: Record<Market, number> = { 'KRW-BTC': 0.02, 'KRW-ETH': 0.4, 'KRW-XRP': 1500 };

/** What one simulated run did. */
export interface SimulationResult {
  readonly firstOrder: number;
  readonly orders: number;
  readonly fills: number;
  readonly cancelled: number;
  readonly rejected: number;
}

/** One tick in this many is a sudden dip that recovers at the next tick: what sets off stop losses. */
const DIP_EVERY = 40;

/**
 * Places and fills orders the way a small exchange account would, deterministically: order
 * number `n` of seed `s` always has the same market, side, price and fills, and is preceded by
 * the same price tick of its market. A run continues after the orders earlier runs placed, so
 * running again adds new orders rather than repeating old ones.
 */
export class MarketSimulator {
  constructor(
    private readonly store: EventStore,
    private readonly seed = 42,
  ) {}

  /** How many orders earlier runs placed (the stop-loss process's orders are not the simulator's). */
  async ordersPlaced(): Promise<number> {
    const row = await this.store.db
      .selectFrom('eventfold_events')
      .select((eb) => eb.fn.count<number>('stream_id').distinct().as('orders'))
      .where('stream_type', '=', 'Order')
      .where('stream_id', 'like', 'ord-%')
      .executeTakeFirst();
    return Number(row?.orders ?? 0);
  }

  /** Places `count` more orders, filling, cancelling or rejecting each as its number decides. */
  async run(count: number, onOrder?: (done: number) => void, signal?: AbortSignal): Promise<SimulationResult> {
    const orders = this.store.repository(Order);
    const firstOrder = await this.ordersPlaced();
    const result = { firstOrder, orders: 0, fills: 0, cancelled: 0, rejected: 0 };
    for (let number = firstOrder; number < firstOrder + count && !signal?.aborted; number++) {
      const random = mulberry32(this.seed * 1_000_003 + number);
      const market = pickOne(MARKETS, random);
      const side: Side = random() < 0.55 ? 'bid' : 'ask';
      const mid = REFERENCE_PRICES[market] * (1 + 0.03 * Math.sin(number / 23));
      const price = roundPrice(market, mid * (1 + (random() - 0.5) * 0.01));
      const volume = roundVolume(TYPICAL_VOLUMES[market] * (0.2 + random() * 1.8));
      await this.store.publish(new PriceTicked(market, tickPrice(market, mid, this.seed, number), new Date()));
      // One order in thirty breaks a rule and is rejected, to show rejections in the log.
      const broken = random() < 1 / 30;
      const order = Order.place(`ord-${String(number).padStart(6, '0')}`, market, side, broken ? 0 : price, volume, new Date());
      await orders.save(order, { metadata: { correlationId: order.id } });
      result.orders++;
      if (broken) {
        result.rejected++;
        onOrder?.(result.orders);
        continue;
      }
      const parts = random() < 0.15 ? 0 : 1 + Math.floor(random() * 3);
      let expired = false;
      for (let part = 1; part <= parts && order.remaining > 0; part++) {
        const last = part === parts && random() < 0.6;
        const filled = last ? order.remaining : roundVolume(order.remaining * (0.2 + random() * 0.5));
        if (filled <= 0) break;
        const tradePrice = roundPrice(market, side === 'bid' ? price * (1 - random() * 0.001) : price * (1 + random() * 0.001));
        order.fill(`trd-${order.id.slice(4)}-${part}`, tradePrice, filled, new Date());
        expired = !(await saveUnlessExpired(orders, order));
        if (expired) break;
        result.fills++;
      }
      if (!expired && order.remaining > 0 && random() < 0.5) {
        order.cancel('cancelled by trader');
        expired = !(await saveUnlessExpired(orders, order));
        if (!expired) result.cancelled++;
      }
      onOrder?.(result.orders);
      // better-sqlite3 answers synchronously, so a loop of saves would never give timers, signals
      // or I/O a turn; orders of a real market arrive one by one anyway.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return result;
  }
}

/**
 * Saves what the market did to an order, unless the order-expiry process cancelled the order
 * since: an exchange refuses trades on an expired order. Only with an expiry shorter than the
 * few milliseconds an order trades for does this happen.
 */
async function saveUnlessExpired(orders: Repository<Order>, order: Order): Promise<boolean> {
  try {
    await orders.save(order, { metadata: { correlationId: order.id } });
    return true;
  } catch (error) {
    if (error instanceof ConcurrencyError && !(await orders.load(order.id)).isOpen) return false;
    throw error;
  }
}

/**
 * The tick before order `number`: the market's mid price, or now and then a dip of 6% to 10%
 * below it. Drawn from a generator of its own, so the orders are the same with ticks as without.
 */
function tickPrice(market: Market, mid: number, seed: number, number: number): number {
  const random = mulberry32(seed * 7_000_003 + number + 1);
  const dip = random() < 1 / DIP_EVERY ? 0.06 + random() * 0.04 : 0;
  return roundPrice(market, mid * (1 - dip));
}

/** KRW prices tick in whole won above 1,000 and in tenths below. */
function roundPrice(market: Market, price: number): number {
  return market === 'KRW-XRP' ? Math.round(price * 10) / 10 : Math.round(price);
}

/** A small, seedable pseudo-random generator (mulberry32). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** One of `items`, chosen with `random` (which returns a number in [0, 1)). */
function pickOne<T>(items: readonly [T, ...T[]], random: () => number): T {
  return items[Math.floor(random() * items.length)] ?? items[0];
}
