import type { Kysely } from 'kysely';
import { DomainEvent, On, Projection, type EventStore, type ProjectionContext } from '../../lib';

// A projection that declares its read-model table, so that it is rebuilt blue/green, with the
// events it folds: for the blue/green rebuild specs and the process they kill mid-rebuild.

@DomainEvent('BgDeposited')
export class BgDeposited {
  constructor(
    readonly account: string,
    readonly amount: number,
    readonly n: number,
  ) {}
}

export type ReadModel = { bg_balances: { account: string; total: number; deposits: number } };

const ACCOUNTS = 7;

/** A projection that declares its table: rebuilt blue/green. */
@Projection('bg-balances', { tables: ['bg_balances'] })
export class BgBalances {
  /** Called before each event when a spec sets it: a hold, a failure. */
  static onEvent: ((event: BgDeposited) => Promise<void>) | undefined;

  @On(BgDeposited)
  async deposited(event: BgDeposited, { db }: ProjectionContext<ReadModel>): Promise<void> {
    await BgBalances.onEvent?.(event);
    await db
      .insertInto('bg_balances')
      .values({ account: event.account, total: event.amount, deposits: 1 })
      .onConflict((oc) => oc.column('account').doUpdateSet((eb) => ({ total: eb('bg_balances.total', '+', event.amount), deposits: eb('bg_balances.deposits', '+', 1) })))
      .execute();
  }
}

export async function createBgBalancesTable(store: EventStore): Promise<void> {
  const db = store.db as unknown as Kysely<ReadModel>;
  await db.schema
    .createTable('bg_balances')
    .addColumn('account', 'text', (column) => column.primaryKey())
    .addColumn('total', 'integer', (column) => column.notNull())
    .addColumn('deposits', 'integer', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('bg_balances_by_total').on('bg_balances').column('total').execute();
}

export async function deposit(store: EventStore, count: number, from = 0): Promise<void> {
  for (let start = 0; start < count; start += 500) {
    const events = Array.from({ length: Math.min(500, count - start) }, (_, k) => {
      const n = from + start + k;
      return new BgDeposited(`acc-${n % ACCOUNTS}`, 1 + (n % 5), n);
    });
    await store.append({ type: 'Bank', id: `batch-${from + start}` }, events);
  }
}

export type Balances = Record<string, { total: number; deposits: number }>;

export async function balances(store: EventStore): Promise<Balances> {
  const rows = await (store.db as unknown as Kysely<ReadModel>).selectFrom('bg_balances').selectAll().orderBy('account').execute();
  return Object.fromEntries(rows.map((row) => [row.account, { total: Number(row.total), deposits: Number(row.deposits) }]));
}

export function expectedBalances(count: number): Balances {
  const totals: Balances = {};
  for (let n = 0; n < count; n++) {
    const entry = (totals[`acc-${n % ACCOUNTS}`] ??= { total: 0, deposits: 0 });
    entry.total += 1 + (n % 5);
    entry.deposits += 1;
  }
  return totals;
}
