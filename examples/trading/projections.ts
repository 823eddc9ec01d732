import { Fold, FoldProjection, On, Projection, type FoldRow, type ProjectionContext } from '../../lib';
import { roundKrw, roundVolume } from './amounts';
import { OrderCancelled, OrderFilled, OrderPlaced, PositionClosed, PositionIncreased, PositionOpened, PositionReduced } from './events';
import { EXPIRED } from './order-expiry';
import type { ReadModels } from './read-models';
import { isStopLossOrder } from './stop-loss';

type Context = ProjectionContext<ReadModels>;

/** Orders that can still trade, with what is left of them. */
@Projection('open-orders')
export class OpenOrders {
  @On(OrderPlaced)
  async placed(event: OrderPlaced, { db }: Context): Promise<void> {
    await db
      .insertInto('open_orders')
      .values({
        order_id: event.orderId,
        market: event.market,
        side: event.side,
        price: event.price,
        volume: event.volume,
        remaining: event.volume,
        status: 'open',
        placed_at: event.placedAt.toISOString(),
      })
      .execute();
  }

  @On(OrderFilled)
  async filled(event: OrderFilled, { db }: Context): Promise<void> {
    if (event.remaining === 0) await db.deleteFrom('open_orders').where('order_id', '=', event.orderId).execute();
    else await db.updateTable('open_orders').set({ remaining: event.remaining, status: 'partially-filled' }).where('order_id', '=', event.orderId).execute();
  }

  @On(OrderCancelled)
  async cancelled(event: OrderCancelled, { db }: Context): Promise<void> {
    await db.deleteFrom('open_orders').where('order_id', '=', event.orderId).execute();
  }

  async reset(db: Context['db']): Promise<void> {
    await db.deleteFrom('open_orders').execute();
  }
}

type PositionRow = FoldRow<ReadModels, 'positions'>;
type RealizedPnlRow = FoldRow<ReadModels, 'realized_pnl'>;

/**
 * Each market's position as the Position aggregate holds it: one row per market, folded from the
 * position events in memory and written once per batch.
 */
@FoldProjection<ReadModels>('positions', { table: 'positions', key: 'market' })
export class Positions {
  initial(market: string): PositionRow {
    return { market, direction: 'flat', volume: 0, average_entry_price: 0, realized_pnl: 0, fees: 0 };
  }

  @Fold(PositionOpened, (event) => event.market)
  opened(position: PositionRow, event: PositionOpened): void {
    Object.assign(position, { direction: event.direction, volume: event.volume, average_entry_price: event.averageEntryPrice });
    position.fees = roundKrw(position.fees + event.fee);
  }

  @Fold(PositionIncreased, (event) => event.market)
  increased(position: PositionRow, event: PositionIncreased): void {
    position.volume = roundVolume(position.volume + event.volume);
    position.average_entry_price = event.averageEntryPrice;
    position.fees = roundKrw(position.fees + event.fee);
  }

  @Fold(PositionReduced, (event) => event.market)
  reduced(position: PositionRow, event: PositionReduced): void {
    position.volume = roundVolume(position.volume - event.volume);
    position.realized_pnl = roundKrw(position.realized_pnl + event.realizedPnl);
    position.fees = roundKrw(position.fees + event.fee);
  }

  @Fold(PositionClosed, (event) => event.market)
  closed(position: PositionRow, event: PositionClosed): void {
    Object.assign(position, { direction: 'flat', volume: 0, average_entry_price: 0 });
    position.realized_pnl = roundKrw(position.realized_pnl + event.realizedPnl);
    position.fees = roundKrw(position.fees + event.fee);
  }
}

/** Profit and loss realized per market, fees included. */
@FoldProjection<ReadModels>('realized-pnl', { table: 'realized_pnl', key: 'market' })
export class RealizedPnl {
  initial(market: string): RealizedPnlRow {
    return { market, realized_pnl: 0, fees: 0, reductions: 0 };
  }

  @Fold(PositionReduced, (event) => event.market)
  reduced(row: RealizedPnlRow, event: PositionReduced): void {
    this.add(row, event.realizedPnl, event.fee);
  }

  @Fold(PositionClosed, (event) => event.market)
  closed(row: RealizedPnlRow, event: PositionClosed): void {
    this.add(row, event.realizedPnl, event.fee);
  }

  private add(row: RealizedPnlRow, pnl: number, fee: number): void {
    row.realized_pnl = roundKrw(row.realized_pnl + pnl);
    row.fees = roundKrw(row.fees + fee);
    row.reductions += 1;
  }
}

/**
 * What the process managers did to orders: the orders `order-expiry` cancelled, and the sales
 * `stop-loss` made, each with the log position it happened at.
 */
@Projection('process-outcomes')
export class ProcessOutcomes {
  @On(OrderCancelled)
  async cancelled(event: OrderCancelled, { db, position }: Context): Promise<void> {
    if (event.reason !== EXPIRED) return;
    await db.insertInto('expired_orders').values({ order_id: event.orderId, unfilled: event.unfilled, position }).execute();
  }

  @On(OrderFilled)
  async filled(event: OrderFilled, { db, position }: Context): Promise<void> {
    if (!isStopLossOrder(event.orderId)) return;
    await db.insertInto('stop_loss_sales').values({ order_id: event.orderId, market: event.market, price: event.price, volume: event.volume, position }).execute();
  }

  async reset(db: Context['db']): Promise<void> {
    await db.deleteFrom('expired_orders').execute();
    await db.deleteFrom('stop_loss_sales').execute();
  }
}
