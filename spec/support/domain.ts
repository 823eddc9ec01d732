import { Transform, Type } from 'class-transformer';
import { Aggregate, AggregateRoot, Apply, DomainEvent } from '../../lib';

/** A nested value object, to prove nested classes survive storage. */
export class Money {
  constructor(
    readonly amount: number,
    readonly currency: string,
  ) {}

  format(): string {
    return `${this.amount} ${this.currency}`;
  }
}

@DomainEvent('OrderPlaced', { version: 2, upcasters: { 1: (v1) => ({ ...v1, market: 'KRW-BTC' }) } })
export class OrderPlaced {
  @Type(() => Date)
  readonly placedAt: Date;

  constructor(
    readonly orderId: string,
    readonly market: string,
    readonly volume: number,
    placedAt = new Date('2026-01-01T00:00:00Z'),
  ) {
    this.placedAt = placedAt;
  }
}

@DomainEvent('OrderFilled')
export class OrderFilled {
  @Type(() => Money)
  readonly price: Money;

  /** JSON has no bigint: stored as a decimal string, read back as a bigint. */
  @Transform(({ value }) => (value as bigint).toString(), { toPlainOnly: true })
  @Transform(({ value }) => BigInt(value as string), { toClassOnly: true })
  readonly tradeSequence: bigint;

  constructor(
    readonly volume: number,
    price = new Money(0, 'KRW'),
    tradeSequence = 0n,
  ) {
    this.price = price;
    this.tradeSequence = tradeSequence;
  }
}

@DomainEvent('OrderCancelled')
export class OrderCancelled {
  constructor(readonly reason: string) {}
}

/** A test aggregate: an order that is placed, filled in parts and perhaps cancelled. */
@Aggregate('Order', { snapshotEvery: 50 })
export class Order extends AggregateRoot {
  market = '';
  volume = 0;
  filled = 0;
  status: 'new' | 'open' | 'filled' | 'cancelled' = 'new';
  fills: number[] = [];

  static place(id: string, market: string, volume: number): Order {
    const order = new Order(id);
    order.raise(new OrderPlaced(id, market, volume));
    return order;
  }

  fill(volume: number, price = 1000): void {
    if (this.status !== 'open') throw new Error(`cannot fill a ${this.status} order`);
    if (this.filled + volume > this.volume) throw new Error('fill exceeds the remaining volume');
    this.raise(new OrderFilled(volume, new Money(price, 'KRW')));
  }

  cancel(reason: string): void {
    this.raise(new OrderCancelled(reason));
  }

  @Apply(OrderPlaced)
  protected placed(event: OrderPlaced): void {
    this.market = event.market;
    this.volume = event.volume;
    this.status = 'open';
  }

  @Apply(OrderFilled)
  protected onFilled(event: OrderFilled): void {
    this.filled += event.volume;
    this.fills.push(event.volume);
    if (this.filled === this.volume) this.status = 'filled';
  }

  @Apply(OrderCancelled)
  protected cancelled(): void {
    this.status = 'cancelled';
  }
}
