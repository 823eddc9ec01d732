import type { Database as SqliteDatabase } from 'better-sqlite3';

/** Every order of the tape with its latest status: one row per order, so it grows with the log. */
export interface OrderStatusRow {
  order_id: string;
  market: string;
  side: string;
  price: number;
  volume: number;
  filled_volume: number;
  status: 'open' | 'filled';
}

/** Open volume at each price of the book. */
export interface PriceLevelRow {
  market: string;
  side: string;
  price: number;
  open_volume: number;
  open_orders: number;
}

/** Volumes traded per market and side. */
export interface MarketVolumeRow {
  market: string;
  side: string;
  placed_volume: number;
  filled_volume: number;
  notional: number;
  fills: number;
}

/** The ticker of a market: last trade, highest trade, counts, and the log position it reflects. */
export interface MarketTickerRow {
  market: string;
  last_price: number;
  high_price: number;
  trades: number;
  orders: number;
  last_position: number;
}

/** The read models of the bench, as Kysely sees them. */
export interface OrderReadModels {
  order_status: OrderStatusRow;
  price_levels: PriceLevelRow;
  market_volume: MarketVolumeRow;
  market_ticker: MarketTickerRow;
}

/** The name of one read-model table. */
export type ReadModelTable = keyof OrderReadModels;

/**
 * The tables as both sides create them, one statement each (Kysely runs one statement per
 * query), so that eventfold's projections and the raw side update identical B-trees.
 */
export const READ_MODEL_DDL: Readonly<Record<ReadModelTable, string>> = {
  order_status:
    'create table if not exists order_status (order_id text primary key, market text not null, side text not null, ' +
    'price integer not null, volume real not null, filled_volume real not null, status text not null)',
  price_levels:
    'create table if not exists price_levels (market text not null, side text not null, price integer not null, ' +
    'open_volume real not null, open_orders integer not null, primary key (market, side, price))',
  market_volume:
    'create table if not exists market_volume (market text not null, side text not null, placed_volume real not null, ' +
    'filled_volume real not null, notional real not null, fills integer not null, primary key (market, side))',
  market_ticker:
    'create table if not exists market_ticker (market text primary key, last_price integer not null, high_price integer not null, ' +
    'trades integer not null, orders integer not null, last_position integer not null)',
};

/** One aggregate per table that changes if any row came out differently. */
const CHECKSUM_SQL: Readonly<Record<ReadModelTable, string>> = {
  order_status: "select count(*) || ':' || sum(status = 'open') || ':' || printf('%.4f', total(filled_volume)) as sum from order_status",
  price_levels: "select count(*) || ':' || sum(open_orders) || ':' || printf('%.4f', total(open_volume)) as sum from price_levels",
  market_volume: "select count(*) || ':' || sum(fills) || ':' || printf('%.0f', total(notional)) as sum from market_volume",
  market_ticker: "select count(*) || ':' || sum(trades) || ':' || sum(orders) || ':' || max(high_price) as sum from market_ticker",
};

/**
 * A fingerprint of the read models in `tables`, to check that eventfold's projections and the
 * raw side wrote the same rows. Read outside the timed part.
 *
 * @example
 * ```ts
 * readModelChecksum(database, ['order_status']); // 'order_status 50000:0:2502.5000'
 * ```
 */
export function readModelChecksum(database: SqliteDatabase, tables: readonly ReadModelTable[]): string {
  return tables.map((table) => `${table} ${(database.prepare(CHECKSUM_SQL[table]).get() as { sum: string | null }).sum}`).join(', ');
}
