import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { DEADLINES_TABLE, type EventfoldTables } from '../../store/schema';

/** Schedules a deadline, replacing a pending one of the same name and instance. */
export async function scheduleDeadline(
  db: Kysely<EventfoldTables>,
  deadline: { processManager: string; instanceKey: string; name: string; dueAt: number; payload: unknown; now: Date },
): Promise<void> {
  const values = {
    id: randomUUID(),
    process_manager: deadline.processManager,
    instance_key: deadline.instanceKey,
    name: deadline.name,
    due_at: deadline.dueAt,
    payload: JSON.stringify(deadline.payload ?? null),
    scheduled_at: deadline.now.toISOString(),
    attempts: 0,
    status: 'pending',
    last_error: null,
  };
  await db
    .insertInto(DEADLINES_TABLE)
    .values(values)
    .onConflict((conflict) =>
      conflict.columns(['process_manager', 'instance_key', 'name']).doUpdateSet({
        id: values.id,
        due_at: values.due_at,
        payload: values.payload,
        scheduled_at: values.scheduled_at,
        attempts: 0,
        status: 'pending',
        last_error: null,
      }),
    )
    .execute();
}

/** Cancels one deadline of an instance; true when there was one. */
export async function cancelDeadline(db: Kysely<EventfoldTables>, processManager: string, instanceKey: string, name: string): Promise<boolean> {
  const result = await db
    .deleteFrom(DEADLINES_TABLE)
    .where('process_manager', '=', processManager)
    .where('instance_key', '=', instanceKey)
    .where('name', '=', name)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Cancels every deadline of an instance; how many there were. */
export async function cancelDeadlinesOf(db: Kysely<EventfoldTables>, processManager: string, instanceKey: string): Promise<number> {
  const result = await db.deleteFrom(DEADLINES_TABLE).where('process_manager', '=', processManager).where('instance_key', '=', instanceKey).executeTakeFirst();
  return Number(result.numDeletedRows);
}
