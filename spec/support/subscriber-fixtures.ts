import { DomainEvent, EventHandler, On, Projection, type EventStore, type HandlerContext, type ProjectionContext } from '../../lib';

/** Money paid into an account. */
@DomainEvent('Deposit')
export class Deposit {
  constructor(
    readonly account: string,
    readonly amount: number,
  ) {}
}

/**
 * How often an event may be in hand when its process dies before it counts as the cause. The
 * specs that run these subscribers kill their processes on purpose, at moments that have nothing
 * to do with the events, and more often than the default (3) allows: a kill is no verdict on the
 * event in hand here.
 */
const KILLS_NOT_COUNTED = { maxCrashes: 1000 };

/** A side effect that reports every event id it handles. */
@EventHandler('deposit-recorder', { concurrency: 4, ...KILLS_NOT_COUNTED })
export class DepositRecorder {
  constructor(private readonly record: (eventId: string) => void) {}

  @On(Deposit)
  deposited(_event: Deposit, { eventId }: HandlerContext): void {
    this.record(eventId);
  }
}

/** Total and count of deposits per account. */
@Projection('totals', { batchSize: 50, ...KILLS_NOT_COUNTED })
export class Totals {
  @On(Deposit)
  async deposited(event: Deposit, { db }: ProjectionContext): Promise<void> {
    await db
      .insertInto('totals')
      .values({ account: event.account, total: event.amount, deposits: 1 })
      .onConflict((oc) => oc.column('account').doUpdateSet((eb) => ({ total: eb('totals.total', '+', event.amount), deposits: eb('totals.deposits', '+', 1) })))
      .execute();
  }

  async reset(db: ProjectionContext['db']): Promise<void> {
    await db.deleteFrom('totals').execute();
  }
}

/** {@link DepositRecorder} split by stream into three segments. */
@EventHandler('deposit-recorder', { concurrency: 4, segments: 3, ...KILLS_NOT_COUNTED })
export class SegmentedDepositRecorder extends DepositRecorder {}

/** {@link Totals} split by stream into three segments. */
@Projection('totals', { batchSize: 50, segments: 3, ...KILLS_NOT_COUNTED })
export class SegmentedTotals extends Totals {}

/** Creates the projection's table if it is not there yet. */
export async function createTotalsTable(store: EventStore): Promise<void> {
  await store.db.schema
    .createTable('totals')
    .ifNotExists()
    .addColumn('account', 'text', (c) => c.primaryKey())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('deposits', 'integer', (c) => c.notNull())
    .execute();
}

/** The projection's rows, sorted by account. */
export async function readTotals(store: EventStore): Promise<Array<{ account: string; total: number; deposits: number }>> {
  const rows = (await store.db
    .selectFrom('totals' as never)
    .selectAll()
    .execute()) as Array<{ account: string; total: number; deposits: number }>;
  return rows.map((row) => ({ account: row.account, total: Number(row.total), deposits: Number(row.deposits) })).sort((a, b) => a.account.localeCompare(b.account));
}
