import type { Kysely } from 'kysely';
import type { Dispatcher, EventStore } from '../../lib';
import type { ReadModels } from './read-models';

/** The figures a run ends with, and the lines that print them. */
export interface Summary {
  readonly orders: number;
  readonly fills: number;
  readonly cancelled: number;
  readonly rejected: number;
  /** Orders that order-expiry cancelled. */
  readonly expired: number;
  readonly openOrders: number;
  /** Sales of stop-loss, the latest last. */
  readonly stopLossSales: ReadModels['stop_loss_sales'][];
  readonly positions: ReadModels['positions'][];
  readonly realizedPnl: ReadModels['realized_pnl'][];
  readonly notifications: number;
  readonly retries: number;
  readonly deadLetters: number;
  readonly lines: string[];
}

const krw = (amount: number) => `${Math.round(amount).toLocaleString('en-US')} KRW`;

/** How many of the expired orders and the stop-loss sales the summary lists. */
const LISTED = 3;

/** Reads the run's figures from the log, the read models and the dispatcher. */
export async function summarize(store: EventStore, db: Kysely<ReadModels>, dispatcher: Dispatcher): Promise<Summary> {
  // The trader's orders are `ord-...`; the stop loss's sales are orders too, and counted apart.
  const counts = await store.db
    .selectFrom('eventfold_events')
    .select(['event_type', (eb) => eb.fn.countAll<number>().as('count')])
    .where('stream_type', '=', 'Order')
    .where('stream_id', 'like', 'ord-%')
    .groupBy('event_type')
    .execute();
  const count = (type: string) => Number(counts.find((row) => row.event_type === type)?.count ?? 0);
  const orders = count('OrderPlaced') + count('OrderRejected');
  const expiredCount = await countRows(db, 'expired_orders');
  const expired = await db.selectFrom('expired_orders').selectAll().orderBy('position', 'desc').limit(LISTED).execute();
  const stopLossSales = (await db.selectFrom('stop_loss_sales').selectAll().orderBy('position').execute()).map((row) => ({ ...row, position: Number(row.position) }));
  const fillRow = await store.db
    .selectFrom('eventfold_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('stream_type', '=', 'Order')
    .where('event_type', '=', 'OrderFilled')
    .executeTakeFirst();
  const fills = Number(fillRow?.n ?? 0);
  const openOrders = await countRows(db, 'open_orders');
  const positions = await db.selectFrom('positions').selectAll().orderBy('market').execute();
  const realizedPnl = await db.selectFrom('realized_pnl').selectAll().orderBy('market').execute();
  const notifications = await countRows(db, 'notifications');
  const stats = dispatcher.stats();
  const retries = stats.reduce((sum, subscriber) => sum + subscriber.retried, 0);
  const deadLetters = (await dispatcher.deadLetters()).length;
  const lines = [
    '',
    'Summary',
    `  orders          ${orders} (${openOrders} open, ${count('OrderCancelled')} cancelled, ${count('OrderRejected')} rejected)`,
    `  expired         ${expiredCount} of the ${count('OrderCancelled')} cancelled, by order-expiry${expired.length > 0 ? `; the latest: ${expired.map((row) => `${row.order_id} (${row.unfilled} unfilled)`).join(', ')}` : ''}`,
    `  stop-loss sells ${stopLossSales.length}${stopLossSales.length > LISTED ? `, the latest ${LISTED}:` : ''}`,
    ...stopLossSales
      .slice(-LISTED)
      .map((row) => `    ${row.market.padEnd(8)} sold ${String(row.volume).padStart(14)} at ${krw(row.price).padStart(18)}   ${row.order_id}`),
    `  fills           ${fills}${stopLossSales.length > 0 ? ` (${stopLossSales.length} of them stop-loss sells)` : ''}`,
    '  positions',
    ...positions.map(
      (row) => `    ${row.market.padEnd(8)} ${row.direction.padEnd(5)} ${String(row.volume).padStart(14)} at ${krw(row.average_entry_price).padStart(18)}`,
    ),
    '  realized PnL, fees included',
    ...realizedPnl.map((row) => `    ${row.market.padEnd(8)} ${krw(row.realized_pnl).padStart(18)}   fees ${krw(row.fees)}`),
    `  notifications   ${notifications} sent, ${retries} retries this run, ${deadLetters} dead letters in all`,
    ...(deadLetters > 0 ? ['                  see them: npx eventfold dead-letters list --config examples/trading/eventfold.config.ts'] : []),
  ];
  return {
    orders,
    fills,
    cancelled: count('OrderCancelled'),
    rejected: count('OrderRejected'),
    expired: expiredCount,
    openOrders,
    stopLossSales,
    positions,
    realizedPnl,
    notifications,
    retries,
    deadLetters,
    lines,
  };
}

async function countRows(db: Kysely<ReadModels>, table: 'open_orders' | 'expired_orders' | 'notifications'): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
