import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import type { StoreBackend } from '../backend/store-backend';
import { currentVersion } from '../current-version';
import { ARCHIVED_STREAMS_TABLE, EVENTS_TABLE, type EventfoldTables } from '../schema';
import type { StreamRef } from '../stream-ref';
import { DELETED_STREAM_VERSION } from './deleted-stream-version';
import { StreamDeletedError } from './stream-deleted-error';

/**
 * Archives a stream: records it in `eventfold_archived_streams`, which readers consult to hide
 * its events. Its events stay in the log where they are. Archiving an archived stream again
 * changes nothing.
 *
 * @throws {@link StreamDeletedError} for a deleted stream; {@link InvalidArgumentError} for a
 * stream without events, which has nothing to archive.
 */
export async function archiveStream(backend: StoreBackend, stream: StreamRef): Promise<void> {
  await backend.transaction(async (trx) => {
    const version = await currentVersion(trx, backend.queries, stream);
    if (version === DELETED_STREAM_VERSION) throw new StreamDeletedError(stream, 'archive');
    if (version === 0) throw new InvalidArgumentError('stream', `${stream.type}/${stream.id} has no events, so there is nothing to archive.`);
    // Only while the stream has no tombstone: on PostgreSQL a deletion can commit after the read
    // above, and its stream must not stay marked archived (its tombstone would then be hidden
    // from readStream).
    await sql`
      insert into ${sql.table(ARCHIVED_STREAMS_TABLE)} (stream_type, stream_id, archived_at)
      select ${stream.type}, ${stream.id}, ${new Date().toISOString()}
      where not exists (
        select 1 from ${sql.table(EVENTS_TABLE)} as tombstone
        where tombstone.stream_type = ${stream.type} and tombstone.stream_id = ${stream.id} and tombstone.stream_version = ${DELETED_STREAM_VERSION}
      )
      on conflict (stream_type, stream_id) do nothing`.execute(trx);
  });
}

/**
 * Restores an archived stream: its events, those appended while it was archived included, are
 * read again as before. Restoring a stream that is not archived changes nothing.
 *
 * @throws {@link StreamDeletedError} for a deleted stream.
 */
export async function restoreStream(backend: StoreBackend, stream: StreamRef): Promise<void> {
  await backend.transaction(async (trx) => {
    const version = await currentVersion(trx, backend.queries, stream);
    if (version === DELETED_STREAM_VERSION) throw new StreamDeletedError(stream, 'restore');
    await forgetArchived(trx, stream);
  });
}

/** Removes the stream from the archived streams, if it is one. */
export async function forgetArchived(db: Kysely<EventfoldTables>, stream: StreamRef): Promise<void> {
  await db.deleteFrom(ARCHIVED_STREAMS_TABLE).where('stream_type', '=', stream.type).where('stream_id', '=', stream.id).execute();
}

/**
 * A condition, for a query of one stream's rows, that holds unless the stream is archived. The
 * subquery names no column of the outer query, so the database asks it once per query, not once
 * per row.
 */
export function unlessArchived(streamType: string, streamId: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`not exists (select 1 from ${sql.table(ARCHIVED_STREAMS_TABLE)} as archived where archived.stream_type = ${streamType} and archived.stream_id = ${streamId})`;
}

/** Whether the stream is archived. */
export async function isArchived(db: Kysely<EventfoldTables>, stream: StreamRef): Promise<boolean> {
  const row = await db
    .selectFrom(ARCHIVED_STREAMS_TABLE)
    .select('stream_type')
    .where('stream_type', '=', stream.type)
    .where('stream_id', '=', stream.id)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The archived streams as one read of the whole log found them when it began: the read skips
 * their events. The set is read once per read, in one query, rather than joined to every row:
 * archived streams are few, and a read of the log with none to skip then costs what it did before
 * archiving existed.
 */
export class HiddenStreams {
  private readonly keys = new Set<string>();

  private constructor() {}

  /** Reads the archived streams. */
  static async read(db: Kysely<EventfoldTables>): Promise<HiddenStreams> {
    const hidden = new HiddenStreams();
    const rows = await db.selectFrom(ARCHIVED_STREAMS_TABLE).select(['stream_type', 'stream_id']).execute();
    for (const row of rows) hidden.keys.add(keyOf(row.stream_type, row.stream_id));
    return hidden;
  }

  /** True when no stream is hidden, so that readers need not look at each row. */
  get isEmpty(): boolean {
    return this.keys.size === 0;
  }

  /** Whether the events of this stream are hidden. */
  has(streamType: string, streamId: string): boolean {
    return this.keys.has(keyOf(streamType, streamId));
  }
}

/** A stream type cannot hold NUL (`assertStreamRef`), so NUL separates it from the id unambiguously. */
function keyOf(streamType: string, streamId: string): string {
  return `${streamType}\u0000${streamId}`;
}
