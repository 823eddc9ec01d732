import BetterSqlite3 from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { redactPassword } from '../../store/postgres/connection-string';
import { EVENTS_TABLE } from '../../store/schema';
import { DatabaseMissingError, DatabaseNotGivenError, NotAnEventfoldDatabaseError, UnsupportedDatabaseError } from './database-errors';

/**
 * The SQLite file to open: `given` (from `--db`, else the config's `database`) resolved against
 * `cwd`, once it is known to exist and to hold an eventfold event log. Checking first matters:
 * opening a store on a missing file would create an empty database, and on someone else's file
 * would add eventfold's tables to it.
 *
 * @throws {@link DatabaseNotGivenError}, {@link UnsupportedDatabaseError}, {@link DatabaseMissingError}
 *   or {@link NotAnEventfoldDatabaseError}.
 */
export function existingDatabaseFile(cwd: string, given: string | undefined): string {
  if (given === undefined || given === '') throw new DatabaseNotGivenError();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(given) || given === ':memory:') throw new UnsupportedDatabaseError(redactPassword(given));
  const file = resolve(cwd, given);
  if (!existsSync(file)) throw new DatabaseMissingError(given);
  if (!statSync(file).isFile()) throw new NotAnEventfoldDatabaseError(given, 'it is a folder, not a file');
  assertHoldsEventLog(file, given);
  return file;
}

function assertHoldsEventLog(file: string, label: string): void {
  let database: BetterSqlite3.Database | undefined;
  try {
    database = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    const table = database.prepare("select name from sqlite_master where type = 'table' and name = ?").get(EVENTS_TABLE);
    if (!table) throw new NotAnEventfoldDatabaseError(label, `it has no ${EVENTS_TABLE} table`);
  } catch (error) {
    if (error instanceof NotAnEventfoldDatabaseError) throw error;
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') throw new NotAnEventfoldDatabaseError(label, 'it is not an SQLite file');
    throw error;
  } finally {
    database?.close();
  }
}
