import { sql } from 'kysely';
import type { EventStore } from '../event-store/event-store';
import { DELETED_STREAM_VERSION } from '../store/lifecycle/deleted-stream-version';
import { EVENTS_TABLE } from '../store/schema';

/** One stream of the log, as `eventfold streams` lists it. */
export interface StreamSummary {
  readonly type: string;
  readonly id: string;
  /** The version of its last event, which is also how many events it has. */
  readonly version: number;
  /** Position of its first event: streams are listed in the order they began. */
  readonly firstPosition: number;
  /** When its last event was recorded. */
  readonly lastRecordedAt: string;
}

/** Which streams {@link listStreams} lists. */
export interface StreamFilter {
  /** Only streams of this type. */
  readonly type?: string | undefined;
  /** Only streams whose id contains this text (SQLite ignores the case of ASCII letters, PostgreSQL does not). */
  readonly idContains?: string | undefined;
  /** At most this many, from `offset` on. */
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
}

/**
 * The streams of the log in the order they began, optionally only some. A deleted stream has
 * left only its tombstone, and is not listed; an archived one is.
 *
 * @example
 * ```ts
 * for (const stream of await listStreams(store, { type: 'Order' })) console.log(stream.id, stream.version);
 * ```
 */
export async function listStreams(store: EventStore, filter: StreamFilter = {}): Promise<StreamSummary[]> {
  const { type, idContains, limit, offset } = filter;
  let query = store.eventfoldDb
    .selectFrom(EVENTS_TABLE)
    .select((eb) => [
      'stream_type',
      'stream_id',
      eb.fn.max('stream_version').as('version'),
      eb.fn.min('position').as('first_position'),
      eb.fn.max('recorded_at').as('last_recorded_at'),
    ])
    .where('stream_version', '<', DELETED_STREAM_VERSION)
    .groupBy(['stream_type', 'stream_id'])
    .orderBy('first_position');
  if (type !== undefined) query = query.where('stream_type', '=', type);
  if (idContains !== undefined && idContains !== '') {
    // LIKE with its wildcards escaped: the text is searched as it is, on SQLite and PostgreSQL alike.
    const pattern = `%${idContains.replace(/[!%_]/g, (character) => `!${character}`)}%`;
    query = query.where(sql<boolean>`stream_id like ${pattern} escape '!'`);
  }
  if (limit !== undefined) query = query.limit(limit).offset(offset ?? 0);
  const rows = await query.execute();
  return rows.map((row) => ({
    type: row.stream_type,
    id: row.stream_id,
    version: Number(row.version),
    firstPosition: Number(row.first_position),
    lastRecordedAt: String(row.last_recorded_at),
  }));
}

/** The stream types present in the log, sorted. */
export async function listStreamTypes(store: EventStore): Promise<string[]> {
  const rows = await store.eventfoldDb.selectFrom(EVENTS_TABLE).select('stream_type').distinct().orderBy('stream_type').execute();
  return rows.map((row) => row.stream_type);
}
