/**
 * The events and subscribers of the event-bus workload: a market tick published on its own (it
 * belongs to no aggregate) and three handlers that count what they receive.
 */
import { DomainEvent, EventHandler, On } from '../lib';
import { MARKET } from './bench-domain';

/** The fields of a tick, as plain data: what the raw side stores as JSON and decodes. */
export interface PriceTickFields {
  readonly market: string;
  readonly price: number;
  readonly sequence: number;
}

/** The last trade price of a market moved. */
@DomainEvent('PriceTicked')
export class PriceTicked implements PriceTickFields {
  constructor(
    readonly market: string,
    readonly price: number,
    readonly sequence: number,
  ) {}
}

/**
 * The fields of the `index`-th tick, deterministic so that both sides store the same bytes.
 *
 * @example
 * ```ts
 * priceTickFields(0); // { market: 'KRW-BTC', price: 139000000, sequence: 0 }
 * ```
 */
export function priceTickFields(index: number): PriceTickFields {
  return { market: MARKET, price: 140_000_000 + (((index * 7919) % 2001) - 1000) * 1000, sequence: index };
}

/** The `index`-th tick as an eventfold event instance. */
export function priceTick(index: number): PriceTicked {
  const { market, price, sequence } = priceTickFields(index);
  return new PriceTicked(market, price, sequence);
}

/**
 * A subscriber whose only work is to count ticks, so that what the event-bus workload times is
 * delivery. Undecorated itself: each subclass is a handler of its own name and checkpoint.
 */
export abstract class TickCounter {
  /** Ticks handled since the last {@link TickCounter.restart}. */
  handled = 0;

  @On(PriceTicked)
  ticked(): void {
    this.handled++;
  }

  /** Counts from zero again, once a warm-up has been delivered. */
  restart(): void {
    this.handled = 0;
  }
}

/** The first of the event-bus workload's three subscribers. */
@EventHandler('tick-counter-1')
export class FirstTickCounter extends TickCounter {}

/** The second of the event-bus workload's three subscribers. */
@EventHandler('tick-counter-2')
export class SecondTickCounter extends TickCounter {}

/** The third of the event-bus workload's three subscribers. */
@EventHandler('tick-counter-3')
export class ThirdTickCounter extends TickCounter {}
