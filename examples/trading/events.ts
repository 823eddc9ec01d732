import { Type } from 'class-transformer';
import { DomainEvent } from '../../lib';

/** The KRW markets the example trades. */
export const MARKETS = ['KRW-BTC', 'KRW-ETH', 'KRW-XRP'] as const;
export type Market = (typeof MARKETS)[number];

/** `bid` buys the coin with KRW, `ask` sells it. */
export type Side = 'bid' | 'ask';

@DomainEvent('OrderPlaced')
export class OrderPlaced {
  @Type(() => Date)
  readonly placedAt: Date;

  constructor(
    readonly orderId: string,
    readonly market: Market,
    readonly side: Side,
    /** Limit price in KRW per coin. */
    readonly price: number,
    /** Coins to buy or sell. */
    readonly volume: number,
    placedAt: Date,
  ) {
    this.placedAt = placedAt;
  }
}

@DomainEvent('OrderRejected')
export class OrderRejected {
  constructor(
    readonly orderId: string,
    readonly market: string,
    readonly reason: string,
  ) {}
}

@DomainEvent('OrderFilled')
export class OrderFilled {
  @Type(() => Date)
  readonly filledAt: Date;

  constructor(
    readonly orderId: string,
    readonly tradeId: string,
    readonly market: Market,
    readonly side: Side,
    readonly price: number,
    readonly volume: number,
    /** Fee in KRW charged for this fill. */
    readonly fee: number,
    /** Volume still open after this fill. */
    readonly remaining: number,
    filledAt: Date,
  ) {
    this.filledAt = filledAt;
  }
}

@DomainEvent('OrderCancelled')
export class OrderCancelled {
  constructor(
    readonly orderId: string,
    readonly reason: string,
    /** Volume that will now never be filled. */
    readonly unfilled: number,
  ) {}
}

/** Direction of a position: holding coins (`long`) or owing them (`short`). */
export type Direction = 'long' | 'short';

@DomainEvent('PositionOpened')
export class PositionOpened {
  constructor(
    readonly market: Market,
    readonly direction: Direction,
    readonly volume: number,
    readonly price: number,
    readonly fee: number,
    /** Entry price per coin, fees included. */
    readonly averageEntryPrice: number,
    readonly fillPosition: number,
  ) {}
}

@DomainEvent('PositionIncreased')
export class PositionIncreased {
  constructor(
    readonly market: Market,
    readonly volume: number,
    readonly price: number,
    readonly fee: number,
    readonly averageEntryPrice: number,
    readonly fillPosition: number,
  ) {}
}

@DomainEvent('PositionReduced')
export class PositionReduced {
  constructor(
    readonly market: Market,
    readonly volume: number,
    readonly price: number,
    readonly fee: number,
    /** Profit (or loss, when negative) in KRW realized by this reduction, fees included. */
    readonly realizedPnl: number,
    readonly fillPosition: number,
  ) {}
}

@DomainEvent('PositionClosed')
export class PositionClosed {
  constructor(
    readonly market: Market,
    readonly volume: number,
    readonly price: number,
    readonly fee: number,
    readonly realizedPnl: number,
    readonly fillPosition: number,
  ) {}
}

/**
 * The market's price moved: the simulator publishes one tick per order it places, on the order's
 * market. Ticks belong to no aggregate; they travel on the event bus (`store.publish`).
 */
@DomainEvent('PriceTicked')
export class PriceTicked {
  @Type(() => Date)
  readonly at: Date;

  constructor(
    readonly market: Market,
    /** The market's price in KRW per coin. */
    readonly price: number,
    at: Date,
  ) {
    this.at = at;
  }
}

/** The example's own events that belong to no aggregate: a request to notify a trader. */
@DomainEvent('FillNotificationSent')
export class FillNotificationSent {
  constructor(
    readonly orderId: string,
    readonly tradeId: string,
  ) {}
}
