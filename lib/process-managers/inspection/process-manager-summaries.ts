import { sql } from 'kysely';
import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import type { EventStore } from '../../event-store/event-store';
import { describeValue } from '../../store/describe-value';
import { optionsObject } from '../../store/options-object';
import { DEADLINES_TABLE, PROCESS_INSTANCES_TABLE } from '../../store/schema';
import { checkInspection } from './check-inspection';

/** What the database holds of one process manager: how many instances, and how many deadlines. */
export interface ProcessManagerSummary {
  /** The name given to `@ProcessManager`. */
  readonly name: string;
  /** Running instances, those without a stored state that wait for a deadline included. */
  readonly running: number;
  /** Ended instances kept under `ended: 'keep'`. */
  readonly ended: number;
  /** Deadlines waiting to be delivered, the overdue ones included. */
  readonly pendingDeadlines: number;
  /** Pending deadlines whose due time has passed. */
  readonly overdueDeadlines: number;
  /** Deadlines whose deliveries ran out of attempts, kept for the operator. */
  readonly failedDeadlines: number;
}

/** Options of {@link processManagerSummaries}. */
export interface ProcessManagerSummariesOptions {
  /** The time against which deadlines count as overdue. Defaults to now. */
  readonly now?: Date;
}

/**
 * Every process manager the database holds instances or deadlines of, by name, with how many
 * instances run and how many deadlines wait, are overdue or failed. A process manager that has
 * run but holds nothing now (its instances all ended and deleted) is not listed.
 *
 * @example
 * ```ts
 * for (const summary of await processManagerSummaries(store)) {
 *   console.log(summary.name, summary.running, summary.overdueDeadlines);
 * }
 * ```
 * @throws {@link InvalidArgumentError} for a store or options that are none.
 * @throws {@link StoreClosedError} when the store is closed.
 */
export async function processManagerSummaries(store: EventStore, options?: ProcessManagerSummariesOptions): Promise<ProcessManagerSummary[]> {
  checkInspection(store, 'summarize process managers');
  const { now = new Date() } = optionsObject(options);
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new InvalidArgumentError('options.now', `expected a valid Date, got ${describeValue(now)}.`);
  const db = store.eventfoldDb;
  const instances = await db
    .selectFrom(PROCESS_INSTANCES_TABLE)
    .select((eb) => ['process_manager', 'status', eb.fn.countAll().as('count')])
    .groupBy(['process_manager', 'status'])
    .execute();
  const deadlines = await db
    .selectFrom(DEADLINES_TABLE)
    .select((eb) => ['process_manager', 'status', eb.fn.countAll().as('count'), sql<number>`sum(case when due_at <= ${now.getTime()} then 1 else 0 end)`.as('overdue')])
    .groupBy(['process_manager', 'status'])
    .execute();
  // Deadlines whose instance has no stored state: such an instance runs all the same.
  const stateless = await db
    .selectFrom(`${DEADLINES_TABLE} as deadline`)
    .select((eb) => ['deadline.process_manager', eb.fn.count('deadline.instance_key').distinct().as('count')])
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom(`${PROCESS_INSTANCES_TABLE} as instance`)
            .select('instance.key')
            .whereRef('instance.process_manager', '=', 'deadline.process_manager')
            .whereRef('instance.key', '=', 'deadline.instance_key'),
        ),
      ),
    )
    .groupBy('deadline.process_manager')
    .execute();
  const summaries = new Map<string, { -readonly [K in keyof ProcessManagerSummary]: ProcessManagerSummary[K] }>();
  const summaryOf = (name: string) => {
    let summary = summaries.get(name);
    if (!summary) summaries.set(name, (summary = { name, running: 0, ended: 0, pendingDeadlines: 0, overdueDeadlines: 0, failedDeadlines: 0 }));
    return summary;
  };
  for (const row of instances) summaryOf(row.process_manager)[row.status === 'ended' ? 'ended' : 'running'] += Number(row.count);
  for (const row of stateless) summaryOf(row.process_manager).running += Number(row.count);
  for (const row of deadlines) {
    const summary = summaryOf(row.process_manager);
    if (row.status === 'failed') summary.failedDeadlines += Number(row.count);
    else {
      summary.pendingDeadlines += Number(row.count);
      summary.overdueDeadlines += Number(row.overdue);
    }
  }
  return [...summaries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
