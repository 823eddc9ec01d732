import Database, { type Database as SqliteDatabase, type Statement } from 'better-sqlite3';
import type { Durability } from '../lib';

/**
 * The event log and snapshot table exactly as eventfold's first migration creates them (same
 * columns, same indexes), so that the raw side pays for the same B-tree updates per insert.
 */
const SCHEMA = `
  create table if not exists eventfold_events (
    position integer primary key,
    event_id text not null,
    stream_type text not null,
    stream_id text not null,
    stream_version integer not null,
    event_type text not null,
    schema_version integer not null,
    payload text not null,
    metadata text not null,
    recorded_at text not null
  );
  create unique index if not exists eventfold_events_stream on eventfold_events (stream_type, stream_id, stream_version);
  create unique index if not exists eventfold_events_event_id on eventfold_events (event_id);
  create table if not exists eventfold_snapshots (
    stream_type text not null,
    stream_id text not null,
    stream_version integer not null,
    snapshot_version integer not null,
    state text not null,
    taken_at text not null,
    constraint eventfold_snapshots_pk primary key (stream_type, stream_id)
  );
`;

/**
 * Opens an SQLite file with the pragmas eventfold's own store uses (WAL, the busy timeout and the
 * `synchronous` level of the durability) and creates the event log in it.
 */
export function openRawEventLog(file: string, durability: Durability): SqliteDatabase {
  const database = new Database(file);
  database.pragma('busy_timeout = 5000');
  database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  database.exec(SCHEMA);
  return database;
}

/** The hand-written prepared statements a raw event log needs. */
export interface RawStatements {
  /** `{ version }` of a stream's last event, null when it has none. */
  readonly streamVersion: Statement<[string, string], { version: number | null }>;
  /** Inserts one event row; the values in column order, position left to SQLite. */
  readonly insertEvent: Statement<[string, string, string, number, string, number, string, string, string]>;
  /** A stream's events after a version, in version order. */
  readonly readStream: Statement<[string, string, number], { stream_version: number; event_type: string; payload: string }>;
  /** A stream's latest snapshot. */
  readonly latestSnapshot: Statement<[string, string], { stream_version: number; state: string }>;
  /** Writes a stream's snapshot. */
  readonly saveSnapshot: Statement<[string, string, number, number, string, string]>;
}

/** Prepares {@link RawStatements} on a database opened by {@link openRawEventLog}. */
export function prepareRawStatements(database: SqliteDatabase): RawStatements {
  return {
    streamVersion: database.prepare('select max(stream_version) as version from eventfold_events where stream_type = ? and stream_id = ?'),
    insertEvent: database.prepare(
      'insert into eventfold_events (event_id, stream_type, stream_id, stream_version, event_type, schema_version, payload, metadata, recorded_at) ' +
        'values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    readStream: database.prepare(
      'select stream_version, event_type, payload from eventfold_events where stream_type = ? and stream_id = ? and stream_version > ? order by stream_version',
    ),
    latestSnapshot: database.prepare('select stream_version, state from eventfold_snapshots where stream_type = ? and stream_id = ?'),
    saveSnapshot: database.prepare(
      'insert or replace into eventfold_snapshots (stream_type, stream_id, stream_version, snapshot_version, state, taken_at) values (?, ?, ?, ?, ?, ?)',
    ),
  };
}
