import type { Kysely } from 'kysely';
import { DEADLINES_TABLE, type DeadlineRow, type EventfoldTables } from '../../store/schema';
import { PENDING, type DeadlineStatus } from './deadline-table';

/** A due deadline found by a look at the table, before it is claimed. */
export interface FoundDeadline {
  readonly id: string;
  readonly processManager: string;
  readonly dueAtMs: number;
}

/**
 * How a delivery transaction claims a deadline's row. PostgreSQL locks it (`FOR UPDATE SKIP
 * LOCKED`): another process delivering it already is passed over instead of waited for, and a
 * killed process's claim ends with its connection. SQLite has no row locks and needs none: the
 * write lock its transactions take at their start lets one process in at a time, and the next
 * one finds the row gone.
 */
export type RowClaim = 'lock-row' | 'write-lock';

/** How transactions of `backend` claim a deadline. */
export function rowClaimOf(backend: { readonly name: string }): RowClaim {
  return backend.name === 'postgres' ? 'lock-row' : 'write-lock';
}

/**
 * The pending deadlines of `processManagers` due by `nowMs`, the first due first (by id among
 * equals, so that every process walks them in the same order), at most `limit`.
 */
export async function findDueDeadlines(db: Kysely<EventfoldTables>, processManagers: readonly string[], nowMs: number, limit: number): Promise<FoundDeadline[]> {
  const rows = await db
    .selectFrom(DEADLINES_TABLE)
    .select(['id', 'process_manager', 'due_at'])
    .where('status', '=', PENDING)
    .where('due_at', '<=', nowMs)
    .where('process_manager', 'in', processManagers)
    .orderBy('due_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ id: row.id, processManager: row.process_manager, dueAtMs: Number(row.due_at) }));
}

/** When the first pending deadline of `processManagers` due after `nowMs` falls due, if any is. */
export async function findNextDueAt(db: Kysely<EventfoldTables>, processManagers: readonly string[], nowMs: number): Promise<number | undefined> {
  const row = await db
    .selectFrom(DEADLINES_TABLE)
    .select((eb) => eb.fn.min('due_at').as('next'))
    .where('status', '=', PENDING)
    .where('due_at', '>', nowMs)
    .where('process_manager', 'in', processManagers)
    .executeTakeFirst();
  return row?.next === null || row?.next === undefined ? undefined : Number(row.next);
}

/**
 * The deadline `id` in `trx`, claimed for delivery (see {@link RowClaim}), if it is still pending
 * and due by `nowMs`: gone when delivered or cancelled meanwhile, or held by another process.
 */
export async function claimDueDeadline(trx: Kysely<EventfoldTables>, claim: RowClaim, id: string, nowMs: number): Promise<DeadlineRow | undefined> {
  const query = trx.selectFrom(DEADLINES_TABLE).selectAll().where('id', '=', id).where('status', '=', PENDING).where('due_at', '<=', nowMs);
  return (claim === 'lock-row' ? query.forUpdate().skipLocked() : query).executeTakeFirst();
}

/**
 * Deletes the delivered deadline, by its id: when the delivery scheduled it again under the same
 * name, the new scheduling has another id and stays.
 */
export async function deleteDeliveredDeadline(trx: Kysely<EventfoldTables>, id: string): Promise<void> {
  await trx.deleteFrom(DEADLINES_TABLE).where('id', '=', id).execute();
}

/** What a failed delivery leaves on its deadline. */
export interface FailedAttempt {
  /** Failed deliveries in all, this one included. */
  readonly attempts: number;
  readonly lastError: string;
  /** `'pending'` with the retry's due time, or `'failed'` when no attempt is left. */
  readonly status: DeadlineStatus;
  readonly dueAtMs: number;
}

/** Records a failed delivery on the deadline `id`, claimed in `trx`. */
export async function recordFailedAttempt(trx: Kysely<EventfoldTables>, id: string, failure: FailedAttempt): Promise<void> {
  await trx
    .updateTable(DEADLINES_TABLE)
    .set({ attempts: failure.attempts, last_error: failure.lastError, status: failure.status, due_at: failure.dueAtMs })
    .where('id', '=', id)
    .execute();
}
