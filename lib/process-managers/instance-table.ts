import type { Kysely } from 'kysely';
import { parseJsonSafely } from '../events/safe-json';
import { PROCESS_INSTANCES_TABLE, type EventfoldTables, type ProcessInstanceRow } from '../store/schema';

/** One instance of a process manager as stored. */
export interface StoredInstance {
  readonly processManager: string;
  readonly key: string;
  readonly state: object;
  /** The state as stored, to tell whether a step changed it (in place, perhaps). */
  readonly stateJson: string;
  readonly status: 'running' | 'ended';
  /** How many steps changed it. */
  readonly version: number;
  readonly startedAt: Date;
  readonly updatedAt: Date;
}

/**
 * Reads one instance in a step's transaction. No row lock is needed for an event's step and a
 * deadline's step of one instance never to build on the same state: every step transaction holds
 * the log's append lock on PostgreSQL (`beginStepTransaction`), and SQLite's write lock elsewhere,
 * so steps run one at a time.
 */
export async function loadInstance(db: Kysely<EventfoldTables>, processManager: string, key: string): Promise<StoredInstance | undefined> {
  const row = await db.selectFrom(PROCESS_INSTANCES_TABLE).selectAll().where('process_manager', '=', processManager).where('key', '=', key).executeTakeFirst();
  return row && instanceOfRow(row);
}

/** Writes an instance's new state, inserting it on its first step. */
export async function saveInstance(
  db: Kysely<EventfoldTables>,
  instance: Pick<StoredInstance, 'processManager' | 'key' | 'status' | 'version'> & { readonly stateJson: string },
  now: Date,
): Promise<void> {
  const at = now.toISOString();
  await db
    .insertInto(PROCESS_INSTANCES_TABLE)
    .values({
      process_manager: instance.processManager,
      key: instance.key,
      state: instance.stateJson,
      status: instance.status,
      version: instance.version,
      started_at: at,
      updated_at: at,
    })
    .onConflict((conflict) =>
      conflict.columns(['process_manager', 'key']).doUpdateSet({ state: instance.stateJson, status: instance.status, version: instance.version, updated_at: at }),
    )
    .execute();
}

/** Removes an instance (an ended one, under the `'delete'` policy). */
export async function deleteInstance(db: Kysely<EventfoldTables>, processManager: string, key: string): Promise<void> {
  await db.deleteFrom(PROCESS_INSTANCES_TABLE).where('process_manager', '=', processManager).where('key', '=', key).execute();
}

/** The instance a row of the instances table holds. */
export function instanceOfRow(row: ProcessInstanceRow): StoredInstance {
  return {
    processManager: row.process_manager,
    key: row.key,
    state: parseJsonSafely(row.state) as object,
    stateJson: row.state,
    status: row.status === 'ended' ? 'ended' : 'running',
    version: Number(row.version),
    startedAt: new Date(row.started_at),
    updatedAt: new Date(row.updated_at),
  };
}
