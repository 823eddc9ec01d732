import type { Kysely } from 'kysely';
import { scheduledDeadlineOf } from '../deadlines/deadline-table';
import { DEADLINES_TABLE, type DeadlineRow, type EventfoldTables } from '../../store/schema';
import type { InstanceDeadline } from './process-instance';

/** The instance keys a read covers: every key from `first` to `last`, in the database's order. */
export interface KeyRange {
  readonly first: string;
  readonly last: string;
}

/**
 * The undelivered deadlines of a process manager's instances whose keys fall in `range`, by
 * instance key, each instance's earliest first. A range rather than a list of keys, so that a
 * long listing never runs into the database's limit on query parameters.
 */
export async function deadlinesByInstance(db: Kysely<EventfoldTables>, processManager: string, range: KeyRange): Promise<Map<string, InstanceDeadline[]>> {
  const rows = await db
    .selectFrom(DEADLINES_TABLE)
    .selectAll()
    .where('process_manager', '=', processManager)
    .where('instance_key', '>=', range.first)
    .where('instance_key', '<=', range.last)
    .orderBy('due_at')
    .orderBy('name')
    .execute();
  const byInstance = new Map<string, InstanceDeadline[]>();
  for (const row of rows) {
    const list = byInstance.get(row.instance_key) ?? [];
    list.push(deadlineOfRow(row));
    byInstance.set(row.instance_key, list);
  }
  return byInstance;
}

/** A deadline row as {@link InstanceDeadline}: the stored deadline without the names of its instance. */
export function deadlineOfRow(row: DeadlineRow): InstanceDeadline {
  const { id: _id, processManager: _processManager, instanceKey: _instanceKey, ...deadline } = scheduledDeadlineOf(row);
  return deadline;
}
