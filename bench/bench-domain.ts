import { Aggregate, AggregateRoot, Apply, DomainEvent } from '../lib';

/** The market every bench order trades on. */
export const MARKET = 'KRW-BTC';

/** Which side of the book an order is on. */
export type OrderSide = 'buy' | 'sell';

/** The fields of every bench event, as plain data: what the raw side stores as JSON. */
export interface OrderFields {
  readonly orderId: string;
  readonly market: string;
  readonly price: number;
  readonly volume: number;
  readonly side: OrderSide;
}

/** An order was placed on the book. */
@DomainEvent('OrderPlaced')
export class OrderPlaced implements OrderFields {
  constructor(
    readonly orderId: string,
    readonly market: string,
    readonly price: number,
    readonly volume: number,
    readonly side: OrderSide,
  ) {}
}

/** An order was filled. */
@DomainEvent('OrderFilled')
export class OrderFilled implements OrderFields {
  constructor(
    readonly orderId: string,
    readonly market: string,
    readonly price: number,
    readonly volume: number,
    readonly side: OrderSide,
  ) {}
}

/** The stored name of the `index`-th event of the tape: placements and fills alternate. */
export function orderEventType(index: number): 'OrderPlaced' | 'OrderFilled' {
  return index % 2 === 0 ? 'OrderPlaced' : 'OrderFilled';
}

/**
 * The fields of the `index`-th event of a synthetic order tape. Deterministic, so that the
 * eventfold and raw sides store the same bytes and fold to the same state.
 *
 * @example
 * ```ts
 * orderFields(0); // { orderId: 'ord-00000000', market: 'KRW-BTC', price: 139000000, volume: 0.0001, side: 'buy' }
 * ```
 */
export function orderFields(index: number): OrderFields {
  // An odd event fills the order the event before it placed.
  const order = index - (index % 2);
  return {
    orderId: `ord-${order.toString(36).padStart(8, '0')}`,
    market: MARKET,
    price: 140_000_000 + (((order * 7919) % 2001) - 1000) * 1000,
    volume: (((order * 104_729) % 5000) + 1) / 10_000,
    side: order % 4 === 0 ? 'buy' : 'sell',
  };
}

/** The `index`-th event of the tape as an eventfold event instance. */
export function orderEvent(index: number): OrderPlaced | OrderFilled {
  const { orderId, market, price, volume, side } = orderFields(index);
  return index % 2 === 0 ? new OrderPlaced(orderId, market, price, volume, side) : new OrderFilled(orderId, market, price, volume, side);
}

/** What a book knows after folding the tape: the state both sides rebuild when loading. */
export interface BookState {
  openOrders: number;
  placedVolume: number;
  filledVolume: number;
  lastPrice: number;
  notional: number;
}

/** A book before its first event. */
export function emptyBookState(): BookState {
  return { openOrders: 0, placedVolume: 0, filledVolume: 0, lastPrice: 0, notional: 0 };
}

/**
 * Folds one event into a book. The aggregates and the raw side share it, so both do the same
 * work per event and any difference in load time is the library's.
 */
export function foldOrder(state: BookState, type: string, order: OrderFields): void {
  if (type === 'OrderPlaced') {
    state.openOrders += 1;
    state.placedVolume += order.volume;
  } else {
    state.openOrders -= 1;
    state.filledVolume += order.volume;
    state.lastPrice = order.price;
    state.notional += order.price * order.volume;
  }
}

/** A short fingerprint of a state, to check that both sides rebuilt the same book. */
export function bookChecksum(state: BookState): string {
  return [state.openOrders, state.placedVolume.toFixed(4), state.filledVolume.toFixed(4), state.lastPrice, state.notional.toFixed(0)].join('/');
}

/** An order book of one market, rebuilt by replaying every event (no snapshots). */
@Aggregate('MarketBook')
export class MarketBook extends AggregateRoot implements BookState {
  openOrders = 0;
  placedVolume = 0;
  filledVolume = 0;
  lastPrice = 0;
  notional = 0;

  /** Raises the `index`-th event of the tape. */
  record(index: number): void {
    this.raise(orderEvent(index));
  }

  @Apply(OrderPlaced)
  protected placed(event: OrderPlaced): void {
    foldOrder(this, 'OrderPlaced', event);
  }

  @Apply(OrderFilled)
  protected filled(event: OrderFilled): void {
    foldOrder(this, 'OrderFilled', event);
  }
}

/** How often {@link SnapshottedMarketBook} takes a snapshot, in events. */
export const SNAPSHOT_EVERY = 100;

/** The same book with a snapshot every {@link SNAPSHOT_EVERY} events, so a load replays at most that many. */
@Aggregate('SnapshottedMarketBook', { snapshotEvery: SNAPSHOT_EVERY })
export class SnapshottedMarketBook extends MarketBook {}
