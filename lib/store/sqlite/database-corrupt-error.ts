import { EventfoldError } from '../../errors/eventfold-error';

/** The SQLite result codes that mean the file's content is damaged or is not a database. */
export type SqliteCorruptionCode = 'SQLITE_CORRUPT' | 'SQLITE_NOTADB' | `SQLITE_CORRUPT_${string}`;

/**
 * SQLite found the store's file damaged (`SQLITE_CORRUPT`: a page is missing or overwritten, as
 * after a truncated copy, a full disk or a disk that lost writes) or not a database at all
 * (`SQLITE_NOTADB`: someone else's file, or one whose header is damaged). Thrown when the store
 * opens and whenever a query meets a damaged page later. Nothing was written by the failed call.
 *
 * @example
 * ```ts
 * try {
 *   await EventStore.open({ sqlite: 'orders.db' });
 * } catch (error) {
 *   if (error instanceof DatabaseCorruptError) console.error(error.database, error.sqliteCode);
 *   throw error;
 * }
 * ```
 */
export class DatabaseCorruptError extends EventfoldError {
  readonly code = 'EVENTFOLD_DATABASE_CORRUPT';

  constructor(
    /** The SQLite file. */
    readonly database: string,
    /** What SQLite reported: `SQLITE_CORRUPT` (or one of its variants) or `SQLITE_NOTADB`. */
    readonly sqliteCode: SqliteCorruptionCode,
    options?: { cause?: unknown },
  ) {
    const detail = (options?.cause as { message?: unknown } | undefined)?.message;
    const reported = `${sqliteCode}${typeof detail === 'string' ? `: ${detail}` : ''}`;
    const recover =
      `stop the processes that use it and restore it from a backup, or save what is still readable with ` +
      `sqlite3 ${quoteForShell(database)} ".recover" | sqlite3 recovered.db and open the store on recovered.db.`;
    super(
      sqliteCode === 'SQLITE_NOTADB'
        ? `${database} is not an SQLite database, or its header is damaged (${reported}). ` +
            `If it is not your event store, point the store at another file name; if it is, ${recover}`
        : `The SQLite database ${database} is damaged (${reported}): part of the file is missing or was overwritten, ` +
            `as after a truncated copy or a full disk. To keep what it holds, ${recover}`,
      options,
    );
  }
}

/**
 * The error to throw for an error of the SQLite driver on `database`: a
 * {@link DatabaseCorruptError} when SQLite reported damage, the error itself otherwise.
 *
 * @example
 * ```ts
 * try {
 *   return statement.all(parameters);
 * } catch (error) {
 *   throw corruptionOr(error, file);
 * }
 * ```
 */
export function corruptionOr(error: unknown, database: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || error instanceof DatabaseCorruptError) return error;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_')) {
    return new DatabaseCorruptError(database, code as SqliteCorruptionCode, { cause: error });
  }
  return error;
}

/** A file name as it can be pasted into a POSIX shell. */
function quoteForShell(file: string): string {
  return /^[\w@%+=:,./-]+$/.test(file) ? file : `'${file.replace(/'/g, `'\\''`)}'`;
}
