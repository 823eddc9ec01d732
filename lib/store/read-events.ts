import { decodePayload } from '../events/event-codec';
import type { EventRegistry } from '../events/event-registry';
import type { UndecodableEventError } from '../events/undecodable-event-error';
import type { ReplayRow } from './event-log-queries';
import { DELETED_STREAM_VERSION } from './lifecycle/deleted-stream-version';
import { StreamDeletedError } from './lifecycle/stream-deleted-error';
import { PagedEventIterator } from './paged-event-iterator';
import type { RecordedEvent } from './recorded-event';
import type { StoredEventDecoder } from './stored-event-decoder';
import { positionOfTuple, streamVersionOfTuple, type StoredEventTuple } from './stored-event-tuple';
import type { StreamRef } from './stream-ref';

/**
 * What a reader does with a stored event it cannot decode (unknown type, corrupt payload):
 * `'throw'` (the default) stops with an {@link UndecodableEventError}; `'skip'` passes over it;
 * a function is told about it and the event is skipped.
 */
export type UndecodableHandling = 'throw' | 'skip' | ((error: UndecodableEventError) => void);

/** Reads rows in pages of `pageSize`, keyed on a column that increases, and decodes them with `decoder`. */
export function readPaged(
  decoder: StoredEventDecoder,
  fetchPage: (after: number) => Promise<StoredEventTuple[]>,
  after: number,
  key: 'position' | 'stream_version',
  pageSize: number,
): AsyncIterableIterator<RecordedEvent> {
  const keyOf = key === 'position' ? positionOfTuple : streamVersionOfTuple;
  return new PagedEventIterator({ fetch: fetchPage, keyOf, pageSize }, after, decoder);
}

/** Told each event of a replay, in version order: the decoded event and its stream version. */
export type ReplayListener = (event: object, streamVersion: number) => void;

/** Rows per page of a replay: `first` for the first page, four times as many for each next one, up to `max`. */
export interface ReplayPages {
  readonly first: number;
  readonly max: number;
}

/**
 * Reads one stream's rows in pages, keyed on the stream version, and hands each event to `apply`
 * as soon as it is decoded; an event that cannot be decoded stops the replay with an
 * {@link UndecodableEventError}, and a deleted stream's tombstone with a {@link StreamDeletedError}.
 *
 * This is {@link readPaged} cut down to what rebuilding an aggregate needs. It decodes neither
 * metadata nor dates and builds no {@link RecordedEvent}, and it calls `apply` instead of
 * yielding, which would cost a promise per event; loading a long stream did little else.
 *
 * Pages grow: most streams fit in the first, and a long one is read in a few large pages rather
 * than many small ones. On PostgreSQL each page is a round trip: a 10,000-event aggregate took 20
 * of them in pages of 500, and takes 3 now. A page holds at most `pages.max` rows, so memory
 * stays bounded however long the stream.
 */
export async function replayPaged(
  registry: EventRegistry,
  stream: StreamRef,
  fetchPage: (after: number, limit: number) => Promise<ReplayRow[]>,
  after: number,
  pages: ReplayPages,
  apply: ReplayListener,
): Promise<void> {
  let cursor = after;
  for (let pageSize = pages.first; ; pageSize = Math.min(pageSize * 4, pages.max)) {
    const rows = await fetchPage(cursor, pageSize);
    for (const row of rows) {
      // The tombstone is the last row a deleted stream can hold: nothing can be rebuilt from it.
      if (Number(row.stream_version) === DELETED_STREAM_VERSION) throw new StreamDeletedError(stream, 'load');
      const location = {
        position: Number(row.position),
        type: row.event_type,
        streamType: stream.type,
        streamId: stream.id,
        streamVersion: Number(row.stream_version),
      };
      apply(decodePayload(registry, location, Number(row.schema_version), row.payload), location.streamVersion);
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < pageSize) return;
    cursor = Number(last.stream_version);
  }
}
