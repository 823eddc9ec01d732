import type { Kysely } from 'kysely';
import { unlessArchived } from '../store/lifecycle/archived-streams';
import { EVENTS_TABLE, SNAPSHOTS_TABLE, type EventfoldTables } from '../store/schema';
import type { StreamRef } from '../store/stream-ref';

/** A stored snapshot: the state of a stream's aggregate right after `streamVersion`. */
export interface StoredSnapshot {
  readonly streamVersion: number;
  readonly snapshotVersion: number;
  readonly state: string;
}

/** Reads and writes the latest snapshot of each stream. */
export class SnapshotStore {
  constructor(private readonly db: Kysely<EventfoldTables>) {}

  /** The stream's snapshot; none for an archived stream, whose load must not be answered from it. */
  async latest(stream: StreamRef): Promise<StoredSnapshot | undefined> {
    const row = await this.db
      .selectFrom(SNAPSHOTS_TABLE)
      .select(['stream_version', 'snapshot_version', 'state'])
      .where('stream_type', '=', stream.type)
      .where('stream_id', '=', stream.id)
      .where(unlessArchived(stream.type, stream.id))
      .executeTakeFirst();
    if (!row) return undefined;
    return { streamVersion: Number(row.stream_version), snapshotVersion: Number(row.snapshot_version), state: row.state };
  }

  /** Keeps only the newest snapshot: an older one never wins over a newer one already stored. */
  async save(stream: StreamRef, snapshot: StoredSnapshot): Promise<void> {
    const row = {
      stream_type: stream.type,
      stream_id: stream.id,
      stream_version: snapshot.streamVersion,
      snapshot_version: snapshot.snapshotVersion,
      state: snapshot.state,
      taken_at: new Date().toISOString(),
    };
    await this.db
      .insertInto(SNAPSHOTS_TABLE)
      .values(row)
      .onConflict((conflict) =>
        conflict
          .columns(['stream_type', 'stream_id'])
          .doUpdateSet({
            stream_version: row.stream_version,
            snapshot_version: row.snapshot_version,
            state: row.state,
            taken_at: row.taken_at,
          })
          .where(`${SNAPSHOTS_TABLE}.stream_version`, '<=', row.stream_version),
      )
      .execute();
    // The snapshot is written after its events committed, so the stream may have been deleted in
    // between, and deleting removes its snapshot: a snapshot of state that was erased must not
    // come back. Whichever of this check and the deletion runs last removes it.
    await this.db
      .deleteFrom(SNAPSHOTS_TABLE)
      .where('stream_type', '=', stream.type)
      .where('stream_id', '=', stream.id)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom(EVENTS_TABLE)
              .select('position')
              .where('stream_type', '=', stream.type)
              .where('stream_id', '=', stream.id)
              .where('stream_version', '=', row.stream_version),
          ),
        ),
      )
      .execute();
  }
}
