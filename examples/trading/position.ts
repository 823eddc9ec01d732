import { Aggregate, AggregateRoot, Apply } from '../../lib';
import { roundKrw, roundVolume } from './amounts';
import { PositionClosed, PositionIncreased, PositionOpened, PositionReduced, type Direction, type Market, type OrderFilled } from './events';

/**
 * What one account holds on one market (the aggregate's id is the market): coins held (`long`)
 * or owed (`short`) at an average entry price that includes the fees paid to enter, and the
 * profit or loss realized so far, fees included.
 */
@Aggregate('Position', { snapshotEvery: 100 })
export class Position extends AggregateRoot {
  direction: Direction | 'flat' = 'flat';
  volume = 0;
  averageEntryPrice = 0;
  realizedPnl = 0;
  /** Every fee paid on this market; entry fees also sit inside the average entry price. */
  fees = 0;
  trades = 0;
  /** Log position of the last fill applied: a fill delivered again is recognised and skipped. */
  lastFillPosition = 0;

  get market(): Market {
    return this.id as Market;
  }

  /** Takes a fill of one of the account's orders into the position. Applying the same fill twice changes nothing. */
  applyFill(fill: OrderFilled, fillPosition: number): void {
    if (fillPosition <= this.lastFillPosition) return;
    const buying = fill.side === 'bid';
    if (this.direction === 'flat') return this.open(buying ? 'long' : 'short', fill.volume, fill.price, fill.fee, fillPosition);
    if ((this.direction === 'long') === buying) {
      const cost = this.entryCost(fill.price, fill.volume, fill.fee);
      const averageEntryPrice = roundKrw((this.averageEntryPrice * this.volume + cost) / (this.volume + fill.volume));
      this.raise(new PositionIncreased(this.market, fill.volume, fill.price, fill.fee, averageEntryPrice, fillPosition));
      return;
    }
    const reduced = Math.min(fill.volume, this.volume);
    const share = reduced / fill.volume;
    const fee = roundKrw(fill.fee * share);
    const proceeds = fill.price * reduced;
    const realizedPnl = roundKrw(this.direction === 'long' ? proceeds - fee - this.averageEntryPrice * reduced : this.averageEntryPrice * reduced - proceeds - fee);
    if (reduced < this.volume) {
      this.raise(new PositionReduced(this.market, reduced, fill.price, fee, realizedPnl, fillPosition));
      return;
    }
    this.raise(new PositionClosed(this.market, reduced, fill.price, fee, realizedPnl, fillPosition));
    const rest = roundVolume(fill.volume - reduced);
    if (rest > 0) this.open(buying ? 'long' : 'short', rest, fill.price, roundKrw(fill.fee - fee), fillPosition);
  }

  private open(direction: Direction, volume: number, price: number, fee: number, fillPosition: number): void {
    const averageEntryPrice = roundKrw(this.entryCost(price, volume, fee, direction) / volume);
    // The fee of an opening fill is inside the entry price, so it is realized when the position is reduced.
    this.raise(new PositionOpened(this.market, direction, volume, price, fee, averageEntryPrice, fillPosition));
  }

  /** KRW it costs to enter: a buyer pays the fee on top, a short seller receives the price less the fee. */
  private entryCost(price: number, volume: number, fee: number, direction = this.direction): number {
    return direction === 'long' ? price * volume + fee : price * volume - fee;
  }

  @Apply(PositionOpened)
  protected opened(event: PositionOpened): void {
    this.direction = event.direction;
    this.volume = event.volume;
    this.averageEntryPrice = event.averageEntryPrice;
    this.fees = roundKrw(this.fees + event.fee);
    this.trades += 1;
    this.lastFillPosition = event.fillPosition;
  }

  @Apply(PositionIncreased)
  protected increased(event: PositionIncreased): void {
    this.volume = roundVolume(this.volume + event.volume);
    this.averageEntryPrice = event.averageEntryPrice;
    this.fees = roundKrw(this.fees + event.fee);
    this.trades += 1;
    this.lastFillPosition = event.fillPosition;
  }

  @Apply(PositionReduced)
  protected reduced(event: PositionReduced): void {
    this.volume = roundVolume(this.volume - event.volume);
    this.realizedPnl = roundKrw(this.realizedPnl + event.realizedPnl);
    this.fees = roundKrw(this.fees + event.fee);
    this.trades += 1;
    this.lastFillPosition = event.fillPosition;
  }

  @Apply(PositionClosed)
  protected closed(event: PositionClosed): void {
    this.direction = 'flat';
    this.volume = 0;
    this.averageEntryPrice = 0;
    this.realizedPnl = roundKrw(this.realizedPnl + event.realizedPnl);
    this.fees = roundKrw(this.fees + event.fee);
    this.trades += 1;
    this.lastFillPosition = event.fillPosition;
  }
}
