import type { Kysely } from 'kysely';
import type { TableCopies } from '../../store/backend/table-copies';
import type { EventfoldTables } from '../../store/schema';
import { rebuildRecords, type RebuildRecord } from './rebuild-records';

/**
 * Undoes `projection`'s blue/green rebuild, if one is recorded, inside the caller's transaction:
 * drops the copies, puts the subscriber rows back to the checkpoints of the tables the
 * application reads (which the rebuild never touched) and removes the rebuild's dead letters.
 * Returns what it undid.
 *
 * This is how a rebuild that failed ends, and what the next process does with one that a crash
 * cut short: the application kept reading the old tables throughout, and they go on from their
 * own checkpoint as if the rebuild had never begun. Continuing into the copies instead would
 * leave them half built with nobody waiting to switch them in.
 */
export async function undoRebuild(db: Kysely<EventfoldTables>, copies: TableCopies, projection: string): Promise<RebuildRecord | undefined> {
  const record = await rebuildRecords.take(db, projection);
  if (!record) return undefined;
  for (const { copy } of record.tables) await copies.drop(db, copy);
  await rebuildRecords.restoreCheckpoints(db, record);
  await rebuildRecords.removeDeadLetters(db, record, true);
  return record;
}
