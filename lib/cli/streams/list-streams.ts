import type { EventStore } from '../../event-store/event-store';
import { DELETED_STREAM_VERSION } from '../../store/lifecycle/deleted-stream-version';
import { EVENTS_TABLE } from '../../store/schema';

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

/**
 * The streams of the log in the order they began, optionally only those of one type. A deleted
 * stream has left only its tombstone, and is not listed; an archived one is.
 *
 * @example
 * ```ts
 * for (const stream of await listStreams(store, 'Order')) console.log(stream.id, stream.version);
 * ```
 */
export async function listStreams(store: EventStore, type?: string): Promise<StreamSummary[]> {
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
