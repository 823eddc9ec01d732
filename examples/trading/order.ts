import { Aggregate, AggregateRoot, Apply } from '../../lib';
import { roundKrw, roundVolume } from './amounts';
import { MARKETS, OrderCancelled, OrderFilled, OrderPlaced, OrderRejected, type Market, type Side } from './events';

/** A command broke a rule of the order; nothing was recorded. */
export class OrderRuleError extends Error {
  readonly code = 'TRADING_ORDER_RULE';
}

/** Fee rate of the simulated exchange: 0.05% of the traded amount. */
export const FEE_RATE = 0.0005;

export type OrderStatus = 'new' | 'open' | 'partially-filled' | 'filled' | 'cancelled' | 'rejected';

/** A limit order on one KRW market. */
@Aggregate('Order', { snapshotEvery: 50 })
export class Order extends AggregateRoot {
  market = '';
  side: Side = 'bid';
  price = 0;
  volume = 0;
  filled = 0;
  fees = 0;
  status: OrderStatus = 'new';
  fills = 0;

  /** Places a limit order; an order that breaks the exchange's rules is recorded as rejected. */
  static place(orderId: string, market: string, side: Side, price: number, volume: number, at: Date): Order {
    const order = new Order(orderId);
    const problem = !MARKETS.includes(market as Market)
      ? `unknown market ${market}`
      : !(price > 0)
        ? `price must be positive, got ${price}`
        : !(volume > 0)
          ? `volume must be positive, got ${volume}`
          : undefined;
    if (problem) order.raise(new OrderRejected(orderId, market, problem));
    else order.raise(new OrderPlaced(orderId, market as Market, side, price, roundVolume(volume), at));
    return order;
  }

  /** Whether the order can still trade, and so be filled or cancelled. */
  get isOpen(): boolean {
    return this.status === 'open' || this.status === 'partially-filled';
  }

  get remaining(): number {
    return roundVolume(this.volume - this.filled);
  }

  /** Records a trade against the order, at the limit price or better. */
  fill(tradeId: string, price: number, volume: number, at: Date): void {
    if (!this.isOpen) throw new OrderRuleError(`cannot fill a ${this.status} order`);
    if (!(price > 0) || !(volume > 0)) throw new OrderRuleError('fill price and volume must be positive');
    if (roundVolume(volume) > this.remaining) throw new OrderRuleError(`fill of ${volume} exceeds the remaining ${this.remaining}`);
    const fee = roundKrw(price * volume * FEE_RATE);
    const remaining = roundVolume(this.remaining - volume);
    this.raise(new OrderFilled(this.id, tradeId, this.market as Market, this.side, price, roundVolume(volume), fee, remaining, at));
  }

  /** Cancels what is still open. */
  cancel(reason: string): void {
    if (!this.isOpen) throw new OrderRuleError(`cannot cancel a ${this.status} order`);
    this.raise(new OrderCancelled(this.id, reason, this.remaining));
  }

  @Apply(OrderPlaced)
  protected placed(event: OrderPlaced): void {
    Object.assign(this, { market: event.market, side: event.side, price: event.price, volume: event.volume, status: 'open' });
  }

  @Apply(OrderRejected)
  protected rejected(event: OrderRejected): void {
    this.market = event.market;
    this.status = 'rejected';
  }

  @Apply(OrderFilled)
  protected filledBy(event: OrderFilled): void {
    this.filled = roundVolume(this.filled + event.volume);
    this.fees = roundKrw(this.fees + event.fee);
    this.fills += 1;
    this.status = event.remaining === 0 ? 'filled' : 'partially-filled';
  }

  @Apply(OrderCancelled)
  protected cancelled(): void {
    this.status = 'cancelled';
  }
}
