import { EventHandler, On, type EventStore, type HandlerContext } from '../../lib';
import { OrderFilled } from './events';
import type { FlakySender } from './flaky-sender';
import { Position } from './position';

/**
 * Keeps each market's Position aggregate in step with the fills of the account's orders. Runs
 * one event at a time so fills reach positions in log order; a fill delivered again (after a
 * crash) is recognised by the position and changes nothing.
 */
@EventHandler('position-keeper', { retry: { maxAttempts: 10, initialDelayMs: 5 } })
export class PositionKeeper {
  constructor(private readonly store: EventStore) {}

  @On(OrderFilled)
  async filled(event: OrderFilled, { position }: HandlerContext): Promise<void> {
    const positions = this.store.repository(Position);
    const current = (await positions.find(event.market)) ?? new Position(event.market);
    current.applyFill(event, position);
    // A ConcurrencyError (another process moved the position on) fails this attempt; the retry
    // reloads the position and applies the fill again.
    await positions.save(current, { metadata: { causationId: event.tradeId } });
  }
}

/**
 * Tells the trader about each fill through a sender that is slow and fails now and then, so the
 * example shows a subscriber falling behind and catching up, retries and, when every attempt
 * fails, dead letters.
 */
@EventHandler('fill-notifier', { concurrency: 2, retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 50 } })
export class FillNotifier {
  constructor(private readonly sender: FlakySender) {}

  @On(OrderFilled)
  async filled(event: OrderFilled, { eventId, attempt }: HandlerContext): Promise<void> {
    const message = `${event.side === 'bid' ? 'Bought' : 'Sold'} ${event.volume} ${event.market.slice(4)} at ${event.price.toLocaleString('en-US')} KRW`;
    await this.sender.send({ idempotencyKey: eventId, orderId: event.orderId, message }, attempt);
  }
}
