import { On, Projection, type ProjectionContext } from '../../lib';
import { roundKrw, roundVolume } from './amounts';
import { OrderCancelled, OrderFilled, OrderPlaced, PositionClosed, PositionIncreased, PositionOpened, PositionReduced } from './events';
import type { ReadModels } from './read-models';

type Context = ProjectionContext<ReadModels>;

/** Orders that can still trade, with what is left of them. */
@Projection('open-orders', { batchSize: 200 })
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

/** Each market's position as the Position aggregate holds it. */
@Projection('positions', { batchSize: 200 })
export class Positions {
  @On(PositionOpened)
  async opened(event: PositionOpened, { db }: Context): Promise<void> {
    const row = { direction: event.direction, volume: event.volume, average_entry_price: event.averageEntryPrice };
    await db
      .insertInto('positions')
      .values({ market: event.market, ...row, realized_pnl: 0, fees: event.fee })
      .onConflict((oc) => oc.column('market').doUpdateSet((eb) => ({ ...row, fees: eb('positions.fees', '+', event.fee) })))
      .execute();
  }

  @On(PositionIncreased)
  async increased(event: PositionIncreased, { db }: Context): Promise<void> {
    const current = await this.current(db, event.market);
    await db
      .updateTable('positions')
      .set({ volume: roundVolume(current.volume + event.volume), average_entry_price: event.averageEntryPrice, fees: roundKrw(current.fees + event.fee) })
      .where('market', '=', event.market)
      .execute();
  }

  @On(PositionReduced)
  async reduced(event: PositionReduced, { db }: Context): Promise<void> {
    const current = await this.current(db, event.market);
    await db
      .updateTable('positions')
      .set({
        volume: roundVolume(current.volume - event.volume),
        realized_pnl: roundKrw(current.realized_pnl + event.realizedPnl),
        fees: roundKrw(current.fees + event.fee),
      })
      .where('market', '=', event.market)
      .execute();
  }

  @On(PositionClosed)
  async closed(event: PositionClosed, { db }: Context): Promise<void> {
    const current = await this.current(db, event.market);
    await db
      .updateTable('positions')
      .set({
        direction: 'flat',
        volume: 0,
        average_entry_price: 0,
        realized_pnl: roundKrw(current.realized_pnl + event.realizedPnl),
        fees: roundKrw(current.fees + event.fee),
      })
      .where('market', '=', event.market)
      .execute();
  }

  async reset(db: Context['db']): Promise<void> {
    await db.deleteFrom('positions').execute();
  }

  private async current(db: Context['db'], market: string) {
    return db.selectFrom('positions').selectAll().where('market', '=', market).executeTakeFirstOrThrow();
  }
}

/** Profit and loss realized per market, fees included. */
@Projection('realized-pnl', { batchSize: 200 })
export class RealizedPnl {
  @On(PositionReduced)
  async reduced(event: PositionReduced, context: Context): Promise<void> {
    await this.add(event.market, event.realizedPnl, event.fee, context);
  }

  @On(PositionClosed)
  async closed(event: PositionClosed, context: Context): Promise<void> {
    await this.add(event.market, event.realizedPnl, event.fee, context);
  }

  async reset(db: Context['db']): Promise<void> {
    await db.deleteFrom('realized_pnl').execute();
  }

  private async add(market: string, pnl: number, fee: number, { db }: Context): Promise<void> {
    const current = await db.selectFrom('realized_pnl').selectAll().where('market', '=', market).executeTakeFirst();
    const row = {
      realized_pnl: roundKrw((current?.realized_pnl ?? 0) + pnl),
      fees: roundKrw((current?.fees ?? 0) + fee),
      reductions: (current?.reductions ?? 0) + 1,
    };
    await db
      .insertInto('realized_pnl')
      .values({ market, ...row })
      .onConflict((oc) => oc.column('market').doUpdateSet(row))
      .execute();
  }
}
