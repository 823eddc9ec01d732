import { sql, type Kysely } from 'kysely';
import { errorCodeOf } from '../backend/error-code';
import { DatabaseBusyError } from '../database-busy-error';

/**
 * Runs `work` in a transaction that holds the write lock from its first statement.
 *
 * On SQLite a plain `BEGIN` takes the write lock only at the first write; if another process
 * commits between our read of the stream version and that write, SQLite fails the upgrade with
 * SQLITE_BUSY at once, without waiting. `BEGIN IMMEDIATE` takes the lock up front and waits for it
 * under the busy timeout, so the version check and the insert see the same stream.
 */
export async function inImmediateTransaction<DB, T>(db: Kysely<DB>, work: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (connection) => {
    try {
      await sql`begin immediate`.execute(connection);
    } catch (error) {
      throw translateBusy(error);
    }
    let result: T;
    try {
      result = await work(connection);
      await sql`commit`.execute(connection);
    } catch (error) {
      // A failed COMMIT leaves the transaction open; ROLLBACK closes it. When the failure already
      // ended the transaction, ROLLBACK itself fails: that is expected, and the first error is
      // the one the caller needs.
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw translateBusy(error);
    }
    return result;
  });
}

function translateBusy(error: unknown): unknown {
  return errorCodeOf(error)?.startsWith('SQLITE_BUSY') ? new DatabaseBusyError({ cause: error }) : error;
}
