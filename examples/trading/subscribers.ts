import type { EventStore } from '../../lib';
import { FlakySender } from './flaky-sender';
import { FillNotifier, PositionKeeper } from './handlers';
import { OrderExpiry } from './order-expiry';
import { OpenOrders, Positions, ProcessOutcomes, RealizedPnl } from './projections';
import { readModels } from './read-models';
import { StopLoss } from './stop-loss';

/** What a run may change about the example's process managers; each has a default. */
export interface ProcessOptions {
  /** How long an order may wait for fills before what is left of it is cancelled. */
  readonly expireAfterMs?: number;
  /** How far below its average entry price a long position is sold, from 0 to 1. */
  readonly stopLossRate?: number;
}

/** The example's subscribers: four projections, two event handlers and two process managers. */
export function tradingSubscribers(store: EventStore, options: ProcessOptions = {}): object[] {
  return [
    new OpenOrders(),
    new Positions(),
    new RealizedPnl(),
    new ProcessOutcomes(),
    new PositionKeeper(store),
    new FillNotifier(new FlakySender(readModels(store))),
    new OrderExpiry(options.expireAfterMs),
    new StopLoss(options.stopLossRate),
  ];
}
