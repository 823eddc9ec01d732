import { Type } from 'class-transformer';
import { Aggregate, AggregateRoot, Apply, DomainEvent } from '../lib';
import type { OrderSide } from './bench-domain';

/**
 * A trade tape whose events go through class-transformer: each holds a Date and a nested value
 * object, declared with `@Type`. The raw side stores the same shape as plain JSON (the Date as its
 * ISO string) and builds the same instances by hand when reading.
 */

/** A price in a currency: the nested value object of every trade. */
export class Money {
  constructor(
    readonly amount: number,
    readonly currency: string,
  ) {}
}

/** A trade was executed on a desk. */
@DomainEvent('TradeExecuted')
export class TradeExecuted {
  @Type(() => Money)
  readonly price: Money;

  @Type(() => Date)
  readonly executedAt: Date;

  constructor(
    readonly tradeId: string,
    readonly market: string,
    readonly volume: number,
    readonly side: OrderSide,
    price: Money,
    executedAt: Date,
  ) {
    this.price = price;
    this.executedAt = executedAt;
  }
}

/** The fields of a trade as the raw side stores them: plain JSON, the Date as its ISO string. */
export interface TradeFields {
  readonly tradeId: string;
  readonly market: string;
  readonly volume: number;
  readonly side: OrderSide;
  readonly price: { readonly amount: number; readonly currency: string };
  readonly executedAt: string;
}

/** Midnight UTC of 2026-01-01: trades are a second apart from it. */
const TAPE_START = Date.UTC(2026, 0, 1);

/** The `index`-th trade of a deterministic tape, as an event instance. */
export function tradeEvent(index: number): TradeExecuted {
  const order = index - (index % 2);
  return new TradeExecuted(
    `trd-${index.toString(36).padStart(8, '0')}`,
    'KRW-BTC',
    (((order * 104_729) % 5000) + 1) / 10_000,
    order % 4 === 0 ? 'buy' : 'sell',
    new Money(140_000_000 + (((order * 7919) % 2001) - 1000) * 1000, 'KRW'),
    new Date(TAPE_START + index * 1000),
  );
}

/** The same trade as the raw side writes it: the plain shape, in the instance's field order. */
export function tradeFields(index: number): TradeFields {
  const order = index - (index % 2);
  const price = { amount: 140_000_000 + (((order * 7919) % 2001) - 1000) * 1000, currency: 'KRW' };
  return {
    tradeId: `trd-${index.toString(36).padStart(8, '0')}`,
    market: 'KRW-BTC',
    volume: (((order * 104_729) % 5000) + 1) / 10_000,
    side: order % 4 === 0 ? 'buy' : 'sell',
    price,
    executedAt: new Date(TAPE_START + index * 1000).toISOString(),
  };
}

/** What a desk knows after folding its trades: the state both sides rebuild. */
export interface DeskState {
  trades: number;
  volume: number;
  notional: number;
  lastTradeAt: number;
}

/** A desk before its first trade. */
export function emptyDeskState(): DeskState {
  return { trades: 0, volume: 0, notional: 0, lastTradeAt: 0 };
}

/** Folds one trade into a desk; the aggregate and the raw side share it. */
export function foldTrade(state: DeskState, volume: number, priceAmount: number, executedAt: number): void {
  state.trades += 1;
  state.volume += volume;
  state.notional += priceAmount * volume;
  state.lastTradeAt = executedAt;
}

/** A short fingerprint of a desk, to check that both sides rebuilt the same state. */
export function deskChecksum(state: DeskState): string {
  return [state.trades, state.volume.toFixed(4), state.notional.toFixed(0), new Date(state.lastTradeAt).toISOString()].join('/');
}

/** A trading desk: its trades are saved through the repository and replayed on load. */
@Aggregate('TradingDesk')
export class TradingDesk extends AggregateRoot implements DeskState {
  trades = 0;
  volume = 0;
  notional = 0;
  lastTradeAt = 0;

  /** Executes the `index`-th trade of the tape. */
  execute(index: number): void {
    this.raise(tradeEvent(index));
  }

  @Apply(TradeExecuted)
  protected executed(event: TradeExecuted): void {
    foldTrade(this, event.volume, event.price.amount, event.executedAt.getTime());
  }
}
