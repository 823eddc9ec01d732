import type { Database as SqliteDatabase } from 'better-sqlite3';
import { TIMERS_PROCESS_MANAGER } from './deadline-timers';

/** The columns of a deadline row the raw side reads, as eventfold's claim reads them all. */
interface RawDeadlineRow {
  readonly id: string;
  readonly instance_key: string;
  readonly due_at: number;
  readonly payload: string;
}

/** What the raw side's delivery of one deadline saw. */
export interface RawDelivery {
  /** When it was due, in milliseconds since 1970. */
  readonly dueAtMs: number;
  /** Its delivery time (taken inside the transaction) minus its due time, in milliseconds. */
  readonly delayMs: number;
}

/** Delivers deadlines of the timers the way a hand-written program would, on eventfold's tables. */
export interface RawDeadlineDelivery {
  /**
   * In one `BEGIN IMMEDIATE` transaction: the first pending deadline due by `nowMs`, its instance
   * read and its state parsed, then the instance and the deadline deleted (the instance ends).
   * Undefined, with nothing written, when none is due.
   */
  deliverNextDue(nowMs: number): RawDelivery | undefined;
  /** The due time of the first pending deadline, if any is left. */
  nextDueAt(): number | undefined;
}

/**
 * Prepares {@link RawDeadlineDelivery} on a database holding the prepared timers. The statements
 * are those eventfold runs for the same work, with its where clauses and order (so they use the
 * same indexes): the look for due deadlines with a limit of 1 instead of 100, and the claim folded
 * into it; the instance read; the deletes of the instance and of the deadline by id.
 */
export function prepareRawDeadlineDelivery(database: SqliteDatabase): RawDeadlineDelivery {
  const nextDue = database.prepare<[string, number, string], RawDeadlineRow>(
    'select * from eventfold_deadlines where status = ? and due_at <= ? and process_manager in (?) order by due_at, id limit 1',
  );
  const nextDueAt = database.prepare<[string, string], { next: number | null }>(
    'select min(due_at) as next from eventfold_deadlines where status = ? and process_manager in (?)',
  );
  const instance = database.prepare<[string, string], { state: string }>('select * from eventfold_process_instances where process_manager = ? and key = ?');
  const deleteInstance = database.prepare<[string, string]>('delete from eventfold_process_instances where process_manager = ? and key = ?');
  const deleteDeadline = database.prepare<[string]>('delete from eventfold_deadlines where id = ?');
  const deliver = database.transaction((nowMs: number): RawDelivery | undefined => {
    const deadline = nextDue.get('pending', nowMs, TIMERS_PROCESS_MANAGER);
    if (!deadline) return undefined;
    // What a program delivering it would read: the payload, and the state the instance had.
    JSON.parse(deadline.payload);
    const row = instance.get(TIMERS_PROCESS_MANAGER, deadline.instance_key);
    if (!row) throw new Error(`the instance of deadline ${deadline.id} is gone`);
    JSON.parse(row.state);
    const delayMs = Date.now() - deadline.due_at;
    deleteInstance.run(TIMERS_PROCESS_MANAGER, deadline.instance_key);
    deleteDeadline.run(deadline.id);
    return { dueAtMs: deadline.due_at, delayMs };
  });
  return {
    deliverNextDue: (nowMs) => deliver.immediate(nowMs),
    nextDueAt: () => nextDueAt.get('pending', TIMERS_PROCESS_MANAGER)?.next ?? undefined,
  };
}
