import type { Kysely } from 'kysely';
import { DEAD_LETTERS_TABLE, REBUILDS_TABLE, SUBSCRIPTIONS_TABLE, type EventfoldTables } from '../../store/schema';

/** A read-model table and the copy a rebuild builds in its place. */
export interface TableCopy {
  readonly table: string;
  readonly copy: string;
}

/** What a subscriber row held when a rebuild began: the checkpoint the read model the application reads goes with. */
export interface LiveCheckpoint {
  readonly position: number;
  readonly ahead: readonly number[];
  readonly status: string;
  readonly statusReason: string | null;
}

/**
 * A blue/green rebuild under way, as stored in `eventfold_rebuilds`. While it exists, the rows of
 * the projection's subscribers (its segments) count what the copies hold, and `checkpoints`
 * counts what the tables the application reads hold; dead letters written since `startedAt` are
 * the rebuild's.
 */
export interface RebuildRecord {
  readonly projection: string;
  readonly tables: readonly TableCopy[];
  readonly checkpoints: Readonly<Record<string, LiveCheckpoint>>;
  readonly startedAt: string;
}

/** Reads and writes {@link RebuildRecord}s, always inside the caller's transaction. */
export const rebuildRecords = {
  /** Records a rebuild of `projection` into `tables`' copies, with the checkpoints its subscriber rows hold now. */
  async begin(db: Kysely<EventfoldTables>, projection: string, subscribers: readonly string[], tables: readonly TableCopy[]): Promise<RebuildRecord> {
    const rows = await db.selectFrom(SUBSCRIPTIONS_TABLE).select(['name', 'position', 'ahead', 'status', 'status_reason']).where('name', 'in', subscribers).execute();
    const checkpoints: Record<string, LiveCheckpoint> = {};
    for (const row of rows) {
      checkpoints[row.name] = { position: Number(row.position), ahead: JSON.parse(row.ahead) as number[], status: row.status, statusReason: row.status_reason };
    }
    const record = { projection, tables, checkpoints, startedAt: new Date().toISOString() };
    await db
      .insertInto(REBUILDS_TABLE)
      .values({ projection, tables: JSON.stringify(tables), checkpoints: JSON.stringify(checkpoints), started_at: record.startedAt })
      .execute();
    return record;
  },

  /**
   * Removes the record of `projection`'s rebuild and returns it; undefined when there is none.
   * Deleting is what claims it: of two processes settling the same rebuild at once (one switching
   * over, one undoing it after a crash), the second waits for the first's transaction and then
   * finds nothing to settle.
   */
  async take(db: Kysely<EventfoldTables>, projection: string): Promise<RebuildRecord | undefined> {
    const row = await db.deleteFrom(REBUILDS_TABLE).where('projection', '=', projection).returningAll().executeTakeFirst();
    if (!row) return undefined;
    return {
      projection: row.projection,
      tables: JSON.parse(row.tables) as TableCopy[],
      checkpoints: JSON.parse(row.checkpoints) as Record<string, LiveCheckpoint>,
      startedAt: row.started_at,
    };
  },

  /** Puts the subscriber rows back to the checkpoints of the tables the application reads, with nothing in flight. */
  async restoreCheckpoints(db: Kysely<EventfoldTables>, record: RebuildRecord): Promise<void> {
    for (const [name, checkpoint] of Object.entries(record.checkpoints)) {
      await db
        .updateTable(SUBSCRIPTIONS_TABLE)
        .set({
          position: checkpoint.position,
          ahead: JSON.stringify(checkpoint.ahead),
          status: checkpoint.status,
          status_reason: checkpoint.statusReason,
          in_flight: null,
          updated_at: new Date().toISOString(),
        })
        .where('name', '=', name)
        .execute();
    }
  },

  /** Removes the dead letters of the rebuild (`since` true) or those from before it (`since` false). */
  async removeDeadLetters(db: Kysely<EventfoldTables>, record: RebuildRecord, since: boolean): Promise<void> {
    const subscribers = Object.keys(record.checkpoints);
    if (subscribers.length === 0) return;
    await db
      .deleteFrom(DEAD_LETTERS_TABLE)
      .where('subscriber', 'in', subscribers)
      .where('failed_at', since ? '>=' : '<', record.startedAt)
      .execute();
  },
};
