import type { Kysely } from 'kysely';
import type { EventStore } from '../../lib';

/** The read models the example's projections keep, as Kysely sees them. */
export interface ReadModels {
  open_orders: {
    order_id: string;
    market: string;
    side: string;
    price: number;
    volume: number;
    remaining: number;
    status: string;
    placed_at: string;
  };
  positions: {
    market: string;
    direction: string;
    volume: number;
    average_entry_price: number;
    realized_pnl: number;
    fees: number;
  };
  realized_pnl: {
    market: string;
    realized_pnl: number;
    fees: number;
    reductions: number;
  };
  expired_orders: {
    order_id: string;
    /** Volume the expiry cancelled. */
    unfilled: number;
    /** Log position of the cancellation. */
    position: number;
  };
  stop_loss_sales: {
    order_id: string;
    market: string;
    price: number;
    volume: number;
    position: number;
  };
  notifications: {
    event_id: string;
    order_id: string;
    message: string;
    sent_at: string;
  };
}

/**
 * Creates the read-model tables if they do not exist yet. Amounts are `double precision`: 8-byte
 * floats on both SQLite and PostgreSQL (where `real` would be 4 bytes, too few for KRW prices).
 */
export async function createReadModels(store: EventStore): Promise<void> {
  await store.db.schema
    .createTable('open_orders')
    .ifNotExists()
    .addColumn('order_id', 'text', (c) => c.primaryKey())
    .addColumn('market', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('price', 'double precision', (c) => c.notNull())
    .addColumn('volume', 'double precision', (c) => c.notNull())
    .addColumn('remaining', 'double precision', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('placed_at', 'text', (c) => c.notNull())
    .execute();
  await store.db.schema
    .createTable('positions')
    .ifNotExists()
    .addColumn('market', 'text', (c) => c.primaryKey())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('volume', 'double precision', (c) => c.notNull())
    .addColumn('average_entry_price', 'double precision', (c) => c.notNull())
    .addColumn('realized_pnl', 'double precision', (c) => c.notNull())
    .addColumn('fees', 'double precision', (c) => c.notNull())
    .execute();
  await store.db.schema
    .createTable('realized_pnl')
    .ifNotExists()
    .addColumn('market', 'text', (c) => c.primaryKey())
    .addColumn('realized_pnl', 'double precision', (c) => c.notNull())
    .addColumn('fees', 'double precision', (c) => c.notNull())
    .addColumn('reductions', 'integer', (c) => c.notNull())
    .execute();
  await store.db.schema
    .createTable('expired_orders')
    .ifNotExists()
    .addColumn('order_id', 'text', (c) => c.primaryKey())
    .addColumn('unfilled', 'double precision', (c) => c.notNull())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .execute();
  await store.db.schema
    .createTable('stop_loss_sales')
    .ifNotExists()
    .addColumn('order_id', 'text', (c) => c.primaryKey())
    .addColumn('market', 'text', (c) => c.notNull())
    .addColumn('price', 'double precision', (c) => c.notNull())
    .addColumn('volume', 'double precision', (c) => c.notNull())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .execute();
  await store.db.schema
    .createTable('notifications')
    .ifNotExists()
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .execute();
}

/** The example's read models, typed, whether or not the store was opened with their type. */
export function readModels(store: EventStore<ReadModels>): Kysely<ReadModels> {
  return store.db;
}
