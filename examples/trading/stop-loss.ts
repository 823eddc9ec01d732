import { On, ProcessManager, type ProcessContext } from '../../lib';
import { roundKrw, roundVolume } from './amounts';
import { PositionClosed, PositionIncreased, PositionOpened, PositionReduced, PriceTicked } from './events';
import { Order } from './order';
import { Position } from './position';

/** How far below its average entry price a long position is sold unless the run says otherwise: 5%. */
export const DEFAULT_STOP_LOSS_RATE = 0.05;

/** The prefix of the ids of the orders the stop loss places; the trader's orders start with `ord-`. */
export const STOP_LOSS_ORDER_PREFIX = 'stop-';

/** Whether an order was placed by the stop loss. */
export function isStopLossOrder(orderId: string): boolean {
  return orderId.startsWith(STOP_LOSS_ORDER_PREFIX);
}

/** What a market's instance remembers between its steps. */
export interface StopLossState {
  /** Coins held, as the position events this instance has seen say. */
  volume: number;
  /** A tick at or below this price sells the position. */
  threshold: number;
  /** The stop-loss order placed, until its fill reaches the position; no second sale while it is set. */
  sellOrderId?: string;
  /** The log position of that order's fill, to recognise it in the position events. */
  sellFillPosition?: number;
}

/**
 * Protects each long position with a stop loss: one instance per market, started when a position
 * is opened long, its threshold `stopLossRate` below the average entry price (fees included) and
 * moved with it as the position grows. The first price tick at or below the threshold sells the
 * position: a limit ask at the tick's price, which the simulated exchange fills at once, placed
 * through the repository in the tick's step, so the sale and the instance's note of it commit
 * together and a position is never sold twice. Once the sale's fill reaches the position, the
 * instance ends (the position is closed) or re-arms for what is left (other buys came first).
 * Short positions are not protected.
 */
@ProcessManager('stop-loss', { correlationKey: 'market' })
export class StopLoss {
  constructor(private readonly stopLossRate = DEFAULT_STOP_LOSS_RATE) {}

  @On(PositionOpened)
  opened(event: PositionOpened, process: ProcessContext<StopLossState>): void {
    if (event.direction !== 'long') return;
    process.state = { volume: event.volume, threshold: this.thresholdOf(event.averageEntryPrice) };
  }

  @On(PositionIncreased)
  increased(event: PositionIncreased, process: ProcessContext<StopLossState>): void {
    if (!process.state) return;
    process.state.volume = roundVolume(process.state.volume + event.volume);
    process.state.threshold = this.thresholdOf(event.averageEntryPrice);
  }

  @On(PositionReduced)
  reduced(event: PositionReduced, process: ProcessContext<StopLossState>): void {
    const state = process.state;
    if (!state) return;
    state.volume = roundVolume(state.volume - event.volume);
    if (event.fillPosition === state.sellFillPosition) {
      // The sale met buys it had not seen: what is left stays protected.
      delete state.sellOrderId;
      delete state.sellFillPosition;
    }
  }

  @On(PositionClosed)
  closed(_event: PositionClosed, process: ProcessContext<StopLossState>): void {
    if (process.state) process.end();
  }

  @On(PriceTicked)
  async ticked(tick: PriceTicked, process: ProcessContext<StopLossState>): Promise<void> {
    const state = process.state;
    if (!state || state.sellOrderId !== undefined || tick.price > state.threshold) return;
    // The Position aggregate may already hold fills whose events this instance has not reached:
    // sell what it holds now, not what the instance last saw.
    const position = await process.store.repository(Position).find(tick.market);
    if (!position || position.direction !== 'long') return;
    const orderId = `${STOP_LOSS_ORDER_PREFIX}${tick.market}-${process.recorded!.position}`;
    const order = Order.place(orderId, tick.market, 'ask', tick.price, position.volume, tick.at);
    order.fill(`trd-${orderId}`, tick.price, order.remaining, tick.at);
    const saved = await process.store.repository(Order).save(order, { metadata: process.causation });
    state.sellOrderId = orderId;
    state.sellFillPosition = saved!.events.at(-1)!.position;
  }

  private thresholdOf(averageEntryPrice: number): number {
    return roundKrw(averageEntryPrice * (1 - this.stopLossRate));
  }
}
