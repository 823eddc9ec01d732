import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import { describeValue } from '../../store/describe-value';
import { DEADLINES_TABLE, type DeadlineRow, type EventfoldTables } from '../../store/schema';
import { encodeDeadlinePayload } from './deadline-payload';
import { dueDeadlineOf, type DueDeadline } from './due-deadline';

/** The status of a deadline waiting to be delivered. */
export const PENDING = 'pending';
/** The status of a deadline whose deliveries ran out of attempts: never delivered again, kept for the operator. */
export const FAILED = 'failed';
/** What a stored deadline is doing. */
export type DeadlineStatus = typeof PENDING | typeof FAILED;

/** A deadline to schedule: see {@link scheduleDeadline}. */
export interface DeadlineToSchedule {
  readonly processManager: string;
  /** The process manager instance's correlation key. */
  readonly instanceKey: string;
  /** The deadline's name, as `@OnDeadline(name)` names it: one deadline per name and instance. */
  readonly name: string;
  /** When it falls due, in milliseconds since 1970. */
  readonly dueAt: number;
  /** JSON the deadline is delivered with; see {@link encodeDeadlinePayload} for what is refused. */
  readonly payload?: unknown;
  /** When it is scheduled (the process manager's clock). */
  readonly now: Date;
}

/** A stored deadline, as the command line lists it: what its delivery would receive, and how it stands. */
export interface ScheduledDeadline extends DueDeadline {
  readonly scheduledAt: Date;
  readonly status: DeadlineStatus;
  /** The message of the last failed delivery. */
  readonly lastError: string | null;
}

/**
 * Schedules a deadline in `db` (the caller's transaction, so that it commits with the work that
 * decided it) and returns its id. A deadline of the same name for the same instance is replaced:
 * its time, payload and failed attempts give way to the new scheduling, which gets a new id, so a
 * delivery of the old one in progress deletes only the old one. A deadline kept as failed is
 * replaced too: the process decided again.
 *
 * @example
 * ```ts
 * await store.transaction(async (trx) => {
 *   const now = new Date();
 *   await scheduleDeadline(trx, { processManager: 'order-expiry', instanceKey: 'o-1', name: 'expire', dueAt: now.getTime() + 30_000, payload: { market: 'KRW-BTC' }, now });
 * });
 * ```
 * @throws {@link InvalidArgumentError} for an empty name or key, a due time that is not whole
 * milliseconds, or a payload JSON would not give back unchanged; nothing is written.
 */
export async function scheduleDeadline(db: Kysely<EventfoldTables>, deadline: DeadlineToSchedule): Promise<string> {
  checkObject(deadline, 'deadline');
  const { processManager, instanceKey, name, dueAt, now } = deadline;
  checkDeadlineNames({ processManager, instanceKey, name });
  const label = deadlineLabel(processManager, instanceKey, name);
  if (typeof dueAt !== 'number' || !Number.isSafeInteger(dueAt) || dueAt < 0) {
    throw new InvalidArgumentError(`${label} dueAt`, `expected whole milliseconds since 1970 (Date.getTime()), got ${describeValue(dueAt)}.`);
  }
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new InvalidArgumentError(`${label} now`, `expected a valid Date, got ${describeValue(now)}.`);
  const scheduling = {
    id: randomUUID(),
    due_at: dueAt,
    payload: encodeDeadlinePayload(deadline.payload, label),
    scheduled_at: now.toISOString(),
    attempts: 0,
    status: PENDING,
    last_error: null,
  };
  await db
    .insertInto(DEADLINES_TABLE)
    .values({ process_manager: processManager, instance_key: instanceKey, name, ...scheduling })
    .onConflict((conflict) => conflict.columns(['process_manager', 'instance_key', 'name']).doUpdateSet(scheduling))
    .execute();
  return scheduling.id;
}

/**
 * Cancels the deadline of that name of an instance, pending or failed, in `db` (the caller's
 * transaction); false when there was none. A delivery of it already in progress in another
 * transaction finishes first (PostgreSQL waits for its row lock; SQLite for its write lock), and
 * the cancel then finds nothing: cancel in the transaction that decides it, and check the
 * instance's state there, so that a deadline delivered just before counts.
 *
 * @example
 * ```ts
 * const cancelled = await cancelDeadline(store.db, 'order-expiry', 'o-1', 'expire');
 * ```
 */
export async function cancelDeadline(db: Kysely<EventfoldTables>, processManager: string, instanceKey: string, name: string): Promise<boolean> {
  checkDeadlineNames({ processManager, instanceKey, name });
  const result = await db
    .deleteFrom(DEADLINES_TABLE)
    .where('process_manager', '=', processManager)
    .where('instance_key', '=', instanceKey)
    .where('name', '=', name)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Cancels every deadline of an instance (it ended), in `db`, and returns how many there were.
 *
 * @example
 * ```ts
 * const cancelled = await cancelDeadlinesOf(store.db, 'order-expiry', 'o-1');
 * ```
 */
export async function cancelDeadlinesOf(db: Kysely<EventfoldTables>, processManager: string, instanceKey: string): Promise<number> {
  checkDeadlineNames({ processManager, instanceKey });
  const result = await db.deleteFrom(DEADLINES_TABLE).where('process_manager', '=', processManager).where('instance_key', '=', instanceKey).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * The deadlines of a process manager, or of one of its instances, pending and failed, the first
 * due first.
 *
 * @example
 * ```ts
 * for (const deadline of await listDeadlines(store.db, { processManager: 'order-expiry' })) {
 *   console.log(deadline.instanceKey, deadline.name, deadline.dueAt.toISOString(), deadline.status);
 * }
 * ```
 */
export async function listDeadlines(db: Kysely<EventfoldTables>, of: { readonly processManager: string; readonly instanceKey?: string }): Promise<ScheduledDeadline[]> {
  checkObject(of, 'of');
  checkDeadlineNames(of.instanceKey === undefined ? { processManager: of.processManager } : of);
  let query = db.selectFrom(DEADLINES_TABLE).selectAll().where('process_manager', '=', of.processManager);
  if (of.instanceKey !== undefined) query = query.where('instance_key', '=', of.instanceKey);
  const rows = await query.orderBy('due_at').orderBy('id').execute();
  return rows.map(scheduledDeadlineOf);
}

/** The deadline a row of the deadlines table holds, with how it stands. */
export function scheduledDeadlineOf(row: DeadlineRow): ScheduledDeadline {
  return {
    ...dueDeadlineOf(row),
    scheduledAt: new Date(row.scheduled_at),
    status: row.status === FAILED ? FAILED : PENDING,
    lastError: row.last_error,
  };
}

/** How messages name a deadline: `deadline 'expire' of order-expiry 'o-1'`. */
export function deadlineLabel(processManager: string, instanceKey: string, name: string): string {
  return `deadline '${name}' of ${processManager} '${instanceKey}'`;
}

/** Checks the strings that name deadlines; undefined ones are left out of the call (an optional filter). */
function checkDeadlineNames(names: Readonly<Record<string, unknown>>): void {
  for (const [argument, value] of Object.entries(names)) {
    if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(argument, `expected a non-empty string, got ${describeValue(value)}.`);
  }
}

function checkObject(value: unknown, argument: string): void {
  if (typeof value !== 'object' || value === null) throw new InvalidArgumentError(argument, `expected an object, got ${describeValue(value)}.`);
}
