import type { Kysely } from 'kysely';
import type { Dispatcher, EventStore } from '../../lib';
import type { ReadModels } from './read-models';

/** The figures a run ends with, and the lines that print them. */
export interface Summary {
  readonly orders: number;
  readonly fills: number;
  readonly cancelled: number;
  readonly rejected: number;
  readonly openOrders: number;
  readonly positions: ReadModels['positions'][];
  readonly realizedPnl: ReadModels['realized_pnl'][];
  readonly notifications: number;
  readonly retries: number;
  readonly deadLetters: number;
  readonly lines: string[];
}

const krw = (amount: number) => `${Math.round(amount).toLocaleString('en-US')} KRW`;

/** Reads the run's figures from the log, the read models and the dispatcher. */
export async function summarize(store: EventStore, db: Kysely<ReadModels>, dispatcher: Dispatcher): Promise<Summary> {
  const counts = await store.db
    .selectFrom('eventfold_events')
    .select(['event_type', (eb) => eb.fn.countAll<number>().as('count')])
    .where('stream_type', '=', 'Order')
    .groupBy('event_type')
    .execute();
  const count = (type: string) => Number(counts.find((row) => row.event_type === type)?.count ?? 0);
  const orders = count('OrderPlaced') + count('OrderRejected');
  const openOrders = Number(
    (
      await db
        .selectFrom('open_orders')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst()
    )?.n ?? 0,
  );
  const positions = await db.selectFrom('positions').selectAll().orderBy('market').execute();
  const realizedPnl = await db.selectFrom('realized_pnl').selectAll().orderBy('market').execute();
  const notifications = Number(
    (
      await db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst()
    )?.n ?? 0,
  );
  const stats = dispatcher.stats();
  const retries = stats.reduce((sum, subscriber) => sum + subscriber.retried, 0);
  const deadLetters = (await dispatcher.deadLetters()).length;
  const lines = [
    '',
    'Summary',
    `  orders          ${orders} (${openOrders} open, ${count('OrderCancelled')} cancelled, ${count('OrderRejected')} rejected)`,
    `  fills           ${count('OrderFilled')}`,
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
    fills: count('OrderFilled'),
    cancelled: count('OrderCancelled'),
    rejected: count('OrderRejected'),
    openOrders,
    positions,
    realizedPnl,
    notifications,
    retries,
    deadLetters,
    lines,
  };
}
