import type { Kysely } from 'kysely';
import { parseJsonSafely } from '../events/safe-json';
import { PROCESS_INSTANCES_TABLE, type EventfoldTables } from '../store/schema';

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
 * Reads one instance. With `lock` (PostgreSQL), its row stays locked until the transaction ends,
 * so that an event's step and a deadline's step of one instance never both build on the same
 * state; SQLite's write lock, held by every write transaction, does that there already.
 */
export async function loadInstance(db: Kysely<EventfoldTables>, processManager: string, key: string, lock: boolean): Promise<StoredInstance | undefined> {
  let query = db.selectFrom(PROCESS_INSTANCES_TABLE).selectAll().where('process_manager', '=', processManager).where('key', '=', key);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
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

/** The instances of a process manager, by key; only running ones unless `includeEnded`. */
export async function listInstances(
  db: Kysely<EventfoldTables>,
  processManager: string,
  options: { readonly includeEnded?: boolean; readonly limit?: number } = {},
): Promise<StoredInstance[]> {
  let query = db.selectFrom(PROCESS_INSTANCES_TABLE).selectAll().where('process_manager', '=', processManager).orderBy('key');
  if (!options.includeEnded) query = query.where('status', '=', 'running');
  if (options.limit !== undefined) query = query.limit(options.limit);
  return (await query.execute()).map(instanceOfRow);
}

function instanceOfRow(row: EventfoldTables[typeof PROCESS_INSTANCES_TABLE]): StoredInstance {
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
