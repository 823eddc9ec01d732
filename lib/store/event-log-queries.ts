import { CompiledQuery, sql, type Compilable, type Kysely, type RawBuilder } from 'kysely';
import type { PreparedEvent } from './prepare-events';
import { unlessArchived } from './lifecycle/archived-streams';
import { EVENTS_TABLE, type EventfoldTables, type EventRow } from './schema';
import type { StreamRef } from './stream-ref';

/** Columns written by an insert, in the order {@link EventLogQueries.insert} binds their values. */
const INSERT_COLUMNS = ['event_id', 'stream_type', 'stream_id', 'stream_version', 'event_type', 'schema_version', 'payload', 'metadata', 'recorded_at'] as const;

/** The columns of an event as readers see it, in the order of a `StoredEventTuple`. */
const EVENT_COLUMNS = ['position', ...INSERT_COLUMNS] as const;

/** The columns a replay reads: enough to decode an event and to say where it is stored. */
const REPLAY_COLUMNS = ['position', 'stream_version', 'event_type', 'schema_version', 'payload'] as const;

/** A stored row as the database returns it (PostgreSQL returns bigint columns as strings). */
export type StoredRow = Omit<EventRow, 'position'> & { position: number | string | bigint };

/** The part of a stored row that a replay reads ({@link EventLogQueries.replayPageOfStream}). */
export type ReplayRow = Pick<StoredRow, (typeof REPLAY_COLUMNS)[number]>;

/**
 * The event log's hot queries, built with Kysely once and then run with fresh parameters.
 *
 * Building and compiling a query costs more than SQLite takes to run it, and append, load and
 * catch-up run the same few queries millions of times. Each query's SQL is compiled once per
 * shape by Kysely, for whatever dialect the store uses, and reused as a parameterized statement.
 */
export class EventLogQueries {
  private readonly versionSql: string;
  private readonly versionAtSql: string;
  private readonly headSql: string;
  private readonly horizonSql: string;
  private readonly insertSql = new Map<number, string>();
  private readonly pageSql = new Map<string, string>();

  constructor(
    private readonly db: Kysely<EventfoldTables>,
    /**
     * Where appends commit out of position order (PostgreSQL), the highest position readers may
     * read up to: see `postgres/log-horizon.ts`. Elsewhere, every committed event is readable.
     */
    private readonly readableHead: RawBuilder<number> | undefined,
  ) {
    const stream = db.selectFrom(EVENTS_TABLE).where('stream_type', '=', '').where('stream_id', '=', '');
    this.versionSql = sqlOf(
      stream.select((eb) => eb.fn.max('stream_version').as('version')),
      2,
    );
    this.versionAtSql = sqlOf(stream.select((eb) => eb.fn.max('stream_version').as('version')).where('recorded_at', '<=', ''), 3);
    const latest = db.selectFrom(EVENTS_TABLE).select((eb) => eb.fn.max('position').as('position'));
    this.headSql = sqlOf(readableHead ? db.selectNoFrom(readableHead.as('position')) : latest, 0);
    this.horizonSql = sqlOf(db.selectNoFrom([sql`coalesce(${readableHead ?? latest}, 0)`.as('readable'), sql`coalesce(${latest}, 0)`.as('latest')]), 0);
  }

  /** `{ version }` of the stream's last event (null when it has none). */
  streamVersion(stream: StreamRef): CompiledQuery<{ version: number | string | null }> {
    return CompiledQuery.raw(this.versionSql, [stream.type, stream.id]);
  }

  /** `{ version }` of the stream's last event recorded at or before `at`. */
  streamVersionAt(stream: StreamRef, at: string): CompiledQuery<{ version: number | string | null }> {
    return CompiledQuery.raw(this.versionAtSql, [stream.type, stream.id, at]);
  }

  /** `{ position }` of the last readable event in the log (null when there is none). */
  headPosition(): CompiledQuery<{ position: number | string | null }> {
    return CompiledQuery.raw(this.headSql, []);
  }

  /** `{ readable, latest }`: the readable head and the last committed position (0 when there is none). */
  logHorizon(): CompiledQuery<{ readable: number | string; latest: number | string }> {
    return CompiledQuery.raw(this.horizonSql, []);
  }

  /**
   * Inserts `events` as versions `fromVersion + 1`, `fromVersion + 2`, ... of `stream`, all
   * recorded at `recordedAt`. The positions are the database's to assign.
   */
  insert(stream: StreamRef, fromVersion: number, events: readonly PreparedEvent[], recordedAt: string): CompiledQuery<never> {
    const rowCount = events.length;
    let insertSql = this.insertSql.get(rowCount);
    if (insertSql === undefined) {
      const placeholderRow = Object.fromEntries(INSERT_COLUMNS.map((column) => [column, column.endsWith('version') ? 0 : ''])) as never;
      const insert = this.db.insertInto(EVENTS_TABLE).values(Array.from({ length: rowCount }, () => placeholderRow));
      insertSql = sqlOf(insert, rowCount * INSERT_COLUMNS.length);
      this.insertSql.set(rowCount, insertSql);
    }
    // The values go straight into one array of its final size, in INSERT_COLUMNS order: a
    // batch binds thousands of them, and building a tuple per row to flatten afterwards cost
    // a noticeable share of the append.
    const parameters = new Array<unknown>(rowCount * INSERT_COLUMNS.length);
    let next = 0;
    let version = fromVersion;
    for (const event of events) {
      parameters[next++] = event.id;
      parameters[next++] = stream.type;
      parameters[next++] = stream.id;
      parameters[next++] = ++version;
      parameters[next++] = event.type;
      parameters[next++] = event.schemaVersion;
      parameters[next++] = event.payload;
      parameters[next++] = event.metadataText;
      parameters[next++] = recordedAt;
    }
    return CompiledQuery.raw(insertSql, parameters);
  }

  /**
   * Up to `limit` rows of the whole log after position `after`, up to position `to` and the
   * readable head. Fewer than `limit` rows means the log is exhausted up to that bound.
   */
  pageOfLog(after: number, to: number | undefined, limit: number): CompiledQuery<StoredRow> {
    const key = to === undefined ? 'log' : 'log-to';
    let pageSql = this.pageSql.get(key);
    if (pageSql === undefined) {
      let query = this.db.selectFrom(EVENTS_TABLE).select(EVENT_COLUMNS).where('position', '>', 0);
      if (to !== undefined) query = query.where('position', '<=', 0);
      // In the same statement as the rows, so that one round trip does both.
      if (this.readableHead) query = query.where('position', '<=', this.readableHead);
      pageSql = sqlOf(query.orderBy('position').limit(0), to === undefined ? 2 : 3);
      this.pageSql.set(key, pageSql);
    }
    return CompiledQuery.raw(pageSql, to === undefined ? [after, limit] : [after, to, limit]);
  }

  /**
   * Up to `limit` rows of one stream after version `after`, up to version `to`; none when the
   * stream is archived, unless `includeArchived`.
   */
  pageOfStream(stream: StreamRef, after: number, to: number | undefined, limit: number, includeArchived: boolean): CompiledQuery<StoredRow> {
    return CompiledQuery.raw(this.streamPageSql('all', to !== undefined, !includeArchived), streamPageParameters(stream, after, to, limit, !includeArchived));
  }

  /**
   * Like {@link pageOfStream}, but only the {@link ReplayRow} columns, and never of an archived
   * stream: a replay has no use for ids, metadata and dates, and fetching them took about half
   * the time of loading an aggregate.
   */
  replayPageOfStream(stream: StreamRef, after: number, to: number | undefined, limit: number): CompiledQuery<ReplayRow> {
    return CompiledQuery.raw(this.streamPageSql('replay', to !== undefined, true), streamPageParameters(stream, after, to, limit, true));
  }

  private streamPageSql(columns: 'all' | 'replay', bounded: boolean, hideArchived: boolean): string {
    const key = `stream-${columns}${bounded ? '-to' : ''}${hideArchived ? '-visible' : ''}`;
    let pageSql = this.pageSql.get(key);
    if (pageSql === undefined) {
      const from = this.db.selectFrom(EVENTS_TABLE);
      let query = (columns === 'all' ? from.select(EVENT_COLUMNS) : from.select(REPLAY_COLUMNS)).where('stream_type', '=', '').where('stream_id', '=', '');
      if (hideArchived) query = query.where(unlessArchived('', ''));
      query = query.where('stream_version', '>', 0);
      if (bounded) query = query.where('stream_version', '<=', 0);
      pageSql = sqlOf(query.orderBy('stream_version').limit(0), (bounded ? 5 : 4) + (hideArchived ? 2 : 0));
      this.pageSql.set(key, pageSql);
    }
    return pageSql;
  }
}

function streamPageParameters(stream: StreamRef, after: number, to: number | undefined, limit: number, hideArchived: boolean): unknown[] {
  const parameters: unknown[] = hideArchived ? [stream.type, stream.id, stream.type, stream.id, after] : [stream.type, stream.id, after];
  if (to !== undefined) parameters.push(to);
  parameters.push(limit);
  return parameters;
}

/** Compiles a query once, checking it binds the parameters the caller will supply. */
function sqlOf(query: Compilable, parameterCount: number): string {
  const compiled = query.compile();
  if (compiled.parameters.length !== parameterCount) {
    throw new Error(`eventfold query compiled with ${compiled.parameters.length} parameters, expected ${parameterCount}: ${compiled.sql}`);
  }
  return compiled.sql;
}
