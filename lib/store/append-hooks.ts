import { sql, type Kysely } from 'kysely';
import type { EventLogQueries } from './event-log-queries';
import { insertEvents, type InsertedEvents } from './insert-events';
import { insertReservedEvents } from './postgres/insert-reserved-events';
import { AppendNotifier } from './postgres/append-notifier';
import type { PreparedEvent } from './prepare-events';
import type { EventfoldTables } from './schema';
import type { SqlFlavour } from './sql-flavour';
import type { StreamRef } from './stream-ref';

/** What one database needs done to write an append, and after it commits. */
export interface AppendHooks {
  /** SQLite: take the write lock up front (`BEGIN IMMEDIATE`). */
  readonly sqlite: boolean;
  /** Inserts RETURNING positions (SQLite's last rowid is cheaper where available). */
  readonly returnsPositions: boolean;
  /**
   * Makes appends to `stream` that call it wait for each other until they commit: taken by an
   * append retried after another writer took the stream version it was about to write.
   */
  lockStream(trx: Kysely<EventfoldTables>, stream: StreamRef): Promise<void>;
  /** Inserts the events as versions `fromVersion + 1`… of `stream`, in the append's transaction, after its version check. */
  insert(trx: Kysely<EventfoldTables>, queries: EventLogQueries, stream: StreamRef, fromVersion: number, events: readonly PreparedEvent[]): Promise<InsertedEvents>;
  /** Runs after each append that wrote events has committed. */
  committed(): void;
  /** Resolves once what {@link AppendHooks.committed} started has finished; the store waits for it before it closes. */
  settled(): Promise<void>;
}

const NOTHING = () => undefined;
const RESOLVED = () => Promise.resolve();

/**
 * The append hooks for a database.
 *
 * On PostgreSQL, positions and the transaction id are reserved together before the insert, so
 * that readers can keep one order while appends commit concurrently (see
 * `postgres/log-horizon.ts`), and other processes are told of appends through LISTEN/NOTIFY once
 * they have committed ({@link AppendNotifier}).
 */
export function appendHooksFor(flavour: SqlFlavour, db: Kysely<EventfoldTables>, schema: string | undefined): AppendHooks {
  if (flavour !== 'postgres') {
    const returnsPositions = flavour !== 'sqlite';
    return {
      sqlite: flavour === 'sqlite',
      returnsPositions,
      // SQLite appends hold the write lock already; other databases get no such guarantee.
      lockStream: RESOLVED,
      insert: (trx, queries, stream, fromVersion, events) => insertEvents(trx, queries, returnsPositions, stream, fromVersion, events),
      committed: NOTHING,
      settled: RESOLVED,
    };
  }
  const notifier = new AppendNotifier(db, appendChannel(schema));
  const lockSpace = `eventfold:${schema ?? 'public'}:streams`;
  return {
    sqlite: false,
    returnsPositions: true,
    lockStream: async (trx, stream) => {
      await sql`select pg_advisory_xact_lock(hashtext(${lockSpace}), hashtext(${`${stream.type}/${stream.id}`}))`.execute(trx);
    },
    insert: (trx, _queries, stream, fromVersion, events) => insertReservedEvents(trx, stream, fromVersion, events),
    committed: () => notifier.notify(),
    settled: () => notifier.settled(),
  };
}

/** The LISTEN/NOTIFY channel on which appends to a PostgreSQL schema are announced. */
export function appendChannel(schema: string | undefined): string {
  return `eventfold_appended_${schema ?? 'public'}`;
}
