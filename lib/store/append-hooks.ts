import { sql, type Kysely } from 'kysely';
import type { EventfoldTables } from './schema';
import type { SqlFlavour } from './sql-flavour';

/** What one database needs done around every append. */
export interface AppendHooks {
  /** SQLite: take the write lock up front (`BEGIN IMMEDIATE`). */
  readonly sqlite: boolean;
  /** Inserts report positions with RETURNING (SQLite's last rowid is cheaper where available). */
  readonly returnsPositions: boolean;
  /** Runs first in every append transaction. */
  begin(trx: Kysely<EventfoldTables>): Promise<void>;
  /** Runs last in every append transaction that wrote events. */
  end(trx: Kysely<EventfoldTables>): Promise<void>;
}

const NOTHING = async () => undefined;

/**
 * The append hooks for a database.
 *
 * On PostgreSQL, positions come from a sequence when a row is inserted, but transactions commit
 * in their own order: a reader that follows positions could pass position 7 before the
 * transaction holding position 6 commits, and never see 6. Appends therefore take one
 * transaction-level advisory lock per schema before they read the stream version, so appends
 * commit one after another and positions become visible in order. The cost: appends to one
 * schema do not overlap (each holds the lock for its few statements); batching events per
 * append keeps throughput high. The append also notifies listeners (LISTEN/NOTIFY), delivered
 * only when the transaction commits, so subscribers in every process wake at once.
 */
export function appendHooksFor(flavour: SqlFlavour, schema: string | undefined): AppendHooks {
  if (flavour !== 'postgres') {
    return { sqlite: flavour === 'sqlite', returnsPositions: flavour !== 'sqlite', begin: NOTHING, end: NOTHING };
  }
  const lockKey = `eventfold:${schema ?? 'public'}`;
  const channel = appendChannel(schema);
  return {
    sqlite: false,
    returnsPositions: true,
    begin: async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${lockKey}))`.execute(trx);
    },
    end: async (trx) => {
      await sql`select pg_notify(${channel}, '')`.execute(trx);
    },
  };
}

/** The LISTEN/NOTIFY channel on which appends to a PostgreSQL schema are announced. */
export function appendChannel(schema: string | undefined): string {
  return `eventfold_appended_${schema ?? 'public'}`;
}
