/**
 * The four read models of the bench as eventfold projections, written the way an application
 * would write them: a Kysely upsert per event through `context.db`, and a `reset(db)` so that
 * they can be rebuilt. `raw-order-projections.ts` does the same writes with prepared statements.
 */
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { Fold, FoldProjection, On, Projection, type ProjectionContext } from '../lib';
import { OrderFilled, OrderPlaced, type OrderFields } from './bench-domain';
import { READ_MODEL_DDL, type OrderReadModels, type OrderStatusRow, type ReadModelTable } from './order-read-models';

type Context = ProjectionContext<OrderReadModels>;

/** Each order and its status, with the default settings. */
@Projection('order-status')
export class OrderStatusProjection {
  @On(OrderPlaced)
  placed(event: OrderPlaced, { db }: Context): Promise<void> {
    return upsertPlacedOrder(db, event);
  }

  @On(OrderFilled)
  filled(event: OrderFilled, { db }: Context): Promise<void> {
    return upsertFilledOrder(db, event);
  }

  async reset(db: Kysely<OrderReadModels>): Promise<void> {
    await db.deleteFrom('order_status').execute();
  }
}

/** The upsert of order-status for a placement, as a Kysely query built for the event. */
export async function upsertPlacedOrder(db: Kysely<OrderReadModels>, event: OrderFields): Promise<void> {
  await db
    .insertInto('order_status')
    .values({ ...orderColumns(event), filled_volume: 0, status: 'open' })
    .onConflict((conflict) =>
      conflict.column('order_id').doUpdateSet((eb) => ({
        market: eb.ref('excluded.market'),
        side: eb.ref('excluded.side'),
        price: eb.ref('excluded.price'),
        volume: eb.ref('excluded.volume'),
        status: eb.ref('excluded.status'),
      })),
    )
    .execute();
}

/** The upsert of order-status for a fill, as a Kysely query built for the event. */
export async function upsertFilledOrder(db: Kysely<OrderReadModels>, event: OrderFields): Promise<void> {
  await db
    .insertInto('order_status')
    .values({ ...orderColumns(event), filled_volume: event.volume, status: 'filled' })
    .onConflict((conflict) =>
      conflict.column('order_id').doUpdateSet((eb) => ({
        filled_volume: eb('order_status.filled_volume', '+', eb.ref('excluded.filled_volume')),
        status: eb.ref('excluded.status'),
      })),
    )
    .execute();
}

function orderColumns(event: OrderFields) {
  return { order_id: event.orderId, market: event.market, side: event.side, price: event.price, volume: event.volume };
}

/**
 * The order-status read model written with hand-written SQL run through `context.db`: the same
 * rows, without building a Kysely query per event. Shows what the dispatcher itself costs, and the
 * way to write a projection whose per-event queries dominate.
 */
@Projection('order-status-sql')
export class OrderStatusSqlProjection {
  @On(OrderPlaced)
  async placed(event: OrderPlaced, { db }: Context): Promise<void> {
    await db.executeQuery(CompiledQuery.raw(UPSERT_PLACED, [event.orderId, event.market, event.side, event.price, event.volume, 'open']));
  }

  @On(OrderFilled)
  async filled(event: OrderFilled, { db }: Context): Promise<void> {
    await db.executeQuery(CompiledQuery.raw(UPSERT_FILLED, [event.orderId, event.market, event.side, event.price, event.volume, event.volume, 'filled']));
  }

  async reset(db: Kysely<OrderReadModels>): Promise<void> {
    await db.deleteFrom('order_status').execute();
  }
}

const UPSERT_PLACED =
  'insert into order_status (order_id, market, side, price, volume, filled_volume, status) values (?, ?, ?, ?, ?, 0, ?) ' +
  'on conflict (order_id) do update set market = excluded.market, side = excluded.side, price = excluded.price, volume = excluded.volume, status = excluded.status';
const UPSERT_FILLED =
  'insert into order_status (order_id, market, side, price, volume, filled_volume, status) values (?, ?, ?, ?, ?, ?, ?) ' +
  'on conflict (order_id) do update set filled_volume = order_status.filled_volume + excluded.filled_volume, status = excluded.status';

/**
 * The same projection under another name and starting at the head of the log: a read model
 * deployed against a log that already exists, to be filled in by a rebuild. It declares its
 * table, so the rebuild builds a copy while `order_status` stays readable (blue/green).
 */
@Projection('order-status-rebuilt', { startFrom: 'now', tables: ['order_status'] })
export class RebuiltOrderStatusProjection extends OrderStatusProjection {}

/**
 * The order-status read model as a fold projection, with the default settings: each order's row
 * folded in memory, a batch's rows written in one multi-row upsert.
 */
@FoldProjection<OrderReadModels>('order-status-fold', { table: 'order_status', key: 'order_id' })
export class OrderStatusFold {
  initial(orderId: string, event: OrderFields): OrderStatusRow {
    return { order_id: orderId, market: event.market, side: event.side, price: event.price, volume: event.volume, filled_volume: 0, status: 'open' };
  }

  @Fold(OrderPlaced, (event) => event.orderId)
  placed(row: OrderStatusRow, event: OrderPlaced): void {
    Object.assign(row, { market: event.market, side: event.side, price: event.price, volume: event.volume, status: 'open' });
  }

  @Fold(OrderFilled, (event) => event.orderId)
  filled(row: OrderStatusRow, event: OrderFilled): void {
    row.filled_volume += event.volume;
    row.status = 'filled';
  }
}

/** The fold projection deployed on a log that already exists, to be filled in by a rebuild. */
@FoldProjection<OrderReadModels>('order-status-fold-rebuilt', { table: 'order_status', key: 'order_id', startFrom: 'now' })
export class RebuiltOrderStatusFold extends OrderStatusFold {}

/** Open volume per price level: placements add to a level, fills take from it. */
@Projection('price-levels')
export class PriceLevelsProjection {
  @On(OrderPlaced)
  placed(event: OrderPlaced, { db }: Context): Promise<void> {
    return this.change(db, event, event.volume, 1);
  }

  @On(OrderFilled)
  filled(event: OrderFilled, { db }: Context): Promise<void> {
    return this.change(db, event, -event.volume, -1);
  }

  async reset(db: Kysely<OrderReadModels>): Promise<void> {
    await db.deleteFrom('price_levels').execute();
  }

  private async change(db: Kysely<OrderReadModels>, event: OrderPlaced | OrderFilled, volume: number, orders: number): Promise<void> {
    await db
      .insertInto('price_levels')
      .values({ market: event.market, side: event.side, price: event.price, open_volume: volume, open_orders: orders })
      .onConflict((conflict) =>
        conflict.columns(['market', 'side', 'price']).doUpdateSet((eb) => ({
          open_volume: eb('price_levels.open_volume', '+', eb.ref('excluded.open_volume')),
          open_orders: eb('price_levels.open_orders', '+', eb.ref('excluded.open_orders')),
        })),
      )
      .execute();
  }
}

/** Placed and filled volume, notional and fill count per market and side. */
@Projection('market-volume')
export class MarketVolumeProjection {
  @On(OrderPlaced)
  placed(event: OrderPlaced, { db }: Context): Promise<void> {
    return this.add(db, event, { placed_volume: event.volume, filled_volume: 0, notional: 0, fills: 0 });
  }

  @On(OrderFilled)
  filled(event: OrderFilled, { db }: Context): Promise<void> {
    return this.add(db, event, { placed_volume: 0, filled_volume: event.volume, notional: event.price * event.volume, fills: 1 });
  }

  async reset(db: Kysely<OrderReadModels>): Promise<void> {
    await db.deleteFrom('market_volume').execute();
  }

  private async add(
    db: Kysely<OrderReadModels>,
    event: OrderPlaced | OrderFilled,
    amounts: { placed_volume: number; filled_volume: number; notional: number; fills: number },
  ): Promise<void> {
    await db
      .insertInto('market_volume')
      .values({ market: event.market, side: event.side, ...amounts })
      .onConflict((conflict) =>
        conflict.columns(['market', 'side']).doUpdateSet((eb) => ({
          placed_volume: eb('market_volume.placed_volume', '+', eb.ref('excluded.placed_volume')),
          filled_volume: eb('market_volume.filled_volume', '+', eb.ref('excluded.filled_volume')),
          notional: eb('market_volume.notional', '+', eb.ref('excluded.notional')),
          fills: eb('market_volume.fills', '+', eb.ref('excluded.fills')),
        })),
      )
      .execute();
  }
}

/** The ticker of each market, stamped with the position of the last event it reflects. */
@Projection('market-ticker')
export class MarketTickerProjection {
  @On(OrderPlaced)
  async placed(event: OrderPlaced, { db, position }: Context): Promise<void> {
    await db
      .insertInto('market_ticker')
      .values({ market: event.market, last_price: 0, high_price: 0, trades: 0, orders: 1, last_position: position })
      .onConflict((conflict) =>
        conflict.column('market').doUpdateSet((eb) => ({
          orders: eb('market_ticker.orders', '+', 1),
          last_position: eb.ref('excluded.last_position'),
        })),
      )
      .execute();
  }

  @On(OrderFilled)
  async filled(event: OrderFilled, { db, position }: Context): Promise<void> {
    await db
      .insertInto('market_ticker')
      .values({ market: event.market, last_price: event.price, high_price: event.price, trades: 1, orders: 0, last_position: position })
      .onConflict((conflict) =>
        conflict.column('market').doUpdateSet((eb) => ({
          last_price: eb.ref('excluded.last_price'),
          high_price: sql<number>`max(${eb.ref('market_ticker.high_price')}, ${eb.ref('excluded.high_price')})`,
          trades: eb('market_ticker.trades', '+', 1),
          last_position: eb.ref('excluded.last_position'),
        })),
      )
      .execute();
  }

  async reset(db: Kysely<OrderReadModels>): Promise<void> {
    await db.deleteFrom('market_ticker').execute();
  }
}

/** A projection class of the bench and the table it writes. */
export interface OrderProjection {
  readonly table: ReadModelTable;
  readonly projectionClass: new () => object;
}

/** The projections in the order the multi-projection workload starts them; the first runs alone. */
export const ORDER_PROJECTIONS: readonly OrderProjection[] = [
  { table: 'order_status', projectionClass: OrderStatusProjection },
  { table: 'price_levels', projectionClass: PriceLevelsProjection },
  { table: 'market_volume', projectionClass: MarketVolumeProjection },
  { table: 'market_ticker', projectionClass: MarketTickerProjection },
];

/** Creates the read-model tables of `tables` in the store's database. */
export async function createReadModels<DB>(db: Kysely<DB>, tables: readonly ReadModelTable[]): Promise<void> {
  for (const table of tables) await sql.raw(READ_MODEL_DDL[table]).execute(db);
}
