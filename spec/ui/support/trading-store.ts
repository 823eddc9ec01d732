import { join } from 'node:path';
import { EventStore, type EventClass } from '../../../lib';
import config from '../../../examples/trading/eventfold.config';
import { MarketSimulator } from '../../../examples/trading/market-simulator';
import { temporaryFolder } from '../../support/backends';

/** The aggregates of the trading example, for the browser to show their state. */
export const TRADING_AGGREGATES = [...(config.aggregates ?? [])];

/** How the pages name the database: the same on every run, for the screenshots. */
export const DATABASE_LABEL = 'trading.db';

/** A store holding a short run of the trading example's market, and how to remove it. */
export interface TradingStore {
  readonly store: EventStore;
  /** The ids of the orders placed, in order. */
  readonly orderIds: readonly string[];
  close(): Promise<void>;
}

/**
 * Opens an SQLite store in a temporary folder and places `orders` orders with the example's
 * market simulator. Seed 42 places the same orders, prices and fills every time.
 */
export async function openTradingStore(orders: number, events: EventClass[] = []): Promise<TradingStore> {
  const folder = temporaryFolder();
  const store = await EventStore.open({
    sqlite: join(folder.path, 'trading.db'),
    aggregates: TRADING_AGGREGATES,
    events: [...(config.events ?? []), ...events],
  });
  const result = await new MarketSimulator(store, 42).run(orders);
  const orderIds = Array.from({ length: result.orders }, (_, index) => `ord-${String(result.firstOrder + index).padStart(6, '0')}`);
  return {
    store,
    orderIds,
    async close() {
      await store.close();
      folder.remove();
    },
  };
}
