import type { Kysely } from 'kysely';
import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import type { EventStore } from '../../event-store/event-store';
import { instanceOfRow } from '../instance-table';
import { describeValue } from '../../store/describe-value';
import { optionsObject } from '../../store/options-object';
import { DEADLINES_TABLE, PROCESS_INSTANCES_TABLE, type EventfoldTables, type ProcessInstanceRow } from '../../store/schema';
import { checkWholeNumber } from '../../validation/whole-number';
import { deadlinesByInstance } from './instance-deadline-rows';
import { checkInspection } from './check-inspection';
import type { ProcessInstance } from './process-instance';

/** Options of {@link processInstances}. */
export interface ProcessInstancesOptions {
  /** List ended instances too (those kept under `ended: 'keep'`). Defaults to false: running ones only. */
  readonly includeEnded?: boolean;
  /** The most instances to list, the first by key. Defaults to all of them. */
  readonly limit?: number;
}

/**
 * The instances of a process manager, by key, each with its state and the deadlines it waits for,
 * read from the database without starting anything. An instance that scheduled deadlines but has
 * no state yet is listed too (see {@link ProcessInstance}). A name the database knows nothing of
 * gives an empty list.
 *
 * @example
 * ```ts
 * for (const instance of await processInstances(store, 'order-expiry', { limit: 20 })) {
 *   console.log(instance.key, instance.state, instance.deadlines.map((deadline) => `${deadline.name} at ${deadline.dueAt.toISOString()}`));
 * }
 * ```
 * @throws {@link InvalidArgumentError} for a store, a name or options that are none.
 * @throws {@link StoreClosedError} when the store is closed.
 */
export async function processInstances(store: EventStore, processManager: string, options?: ProcessInstancesOptions): Promise<ProcessInstance[]> {
  checkInspection(store, 'list process instances', processManager);
  const { includeEnded = false, limit } = optionsObject(options);
  if (typeof includeEnded !== 'boolean') throw new InvalidArgumentError('options.includeEnded', `expected true or false, got ${describeValue(includeEnded)}.`);
  const most = limit === undefined ? undefined : checkWholeNumber(limit, 'options.limit');
  const db = store.eventfoldDb;
  return readInstances(db, processManager, await instanceKeys(db, processManager, includeEnded, most));
}

/**
 * @internal The instance `key` of a process manager, running or ended, or undefined when nothing
 * of it is stored (neither a state nor a deadline).
 */
export async function readInstance(db: Kysely<EventfoldTables>, processManager: string, key: string): Promise<ProcessInstance | undefined> {
  const [instance] = await readInstances(db, processManager, [key]);
  return instance && (instance.version > 0 || instance.deadlines.length > 0) ? instance : undefined;
}

/** The instances with these keys, given in the database's order, with their deadlines. */
async function readInstances(db: Kysely<EventfoldTables>, processManager: string, keys: readonly string[]): Promise<ProcessInstance[]> {
  const [first, last] = [keys[0], keys[keys.length - 1]];
  if (first === undefined || last === undefined) return [];
  const rows = await db
    .selectFrom(PROCESS_INSTANCES_TABLE)
    .selectAll()
    .where('process_manager', '=', processManager)
    .where('key', '>=', first)
    .where('key', '<=', last)
    .execute();
  const stored = new Map(rows.map((row) => [row.key, row]));
  const deadlines = await deadlinesByInstance(db, processManager, { first, last });
  return keys.map((key) => instanceOf(processManager, key, stored.get(key), deadlines.get(key) ?? []));
}

/**
 * The keys to list, in the database's order: those of stored instances, and those of deadlines
 * whose instance has no stored state. Deadlines of an ended instance are cancelled with its end,
 * so they never bring an ended instance back into a list of running ones.
 */
async function instanceKeys(db: Kysely<EventfoldTables>, processManager: string, includeEnded: boolean, limit: number | undefined): Promise<string[]> {
  let stored = db.selectFrom(PROCESS_INSTANCES_TABLE).select('key').where('process_manager', '=', processManager);
  if (!includeEnded) stored = stored.where('status', '=', 'running');
  let query = stored.union(db.selectFrom(DEADLINES_TABLE).select('instance_key as key').where('process_manager', '=', processManager)).orderBy('key');
  if (limit !== undefined) query = query.limit(limit);
  return (await query.execute()).map((row) => row.key);
}

function instanceOf(processManager: string, key: string, row: ProcessInstanceRow | undefined, deadlines: ProcessInstance['deadlines']): ProcessInstance {
  if (!row) return { processManager, key, status: 'running', state: null, version: 0, startedAt: null, updatedAt: null, deadlines };
  const { status, state, version, startedAt, updatedAt } = instanceOfRow(row);
  return { processManager, key, status, state, version, startedAt, updatedAt, deadlines };
}
