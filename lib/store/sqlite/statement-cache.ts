import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { corruptionOr } from './database-corrupt-error';

/**
 * Hands Kysely's SQLite driver cached prepared statements. The driver prepares every query it
 * runs; for the store's few, constantly repeated statements that preparation costs more than
 * running them. Kysely serializes queries on its one connection, so a cached statement is never
 * in use twice at once.
 *
 * Every query of a `{ sqlite }` store passes through here, so this is also where SQLite's reports
 * of a damaged file become a {@link DatabaseCorruptError} that names the file, whichever part of
 * eventfold (append, read, subscriber, migration) ran into the damaged page.
 */
export class StatementCache implements SqliteDatabase {
  private readonly statements = new Map<string, SqliteStatement>();

  constructor(
    readonly database: Database,
    /** The file name, for messages. */
    private readonly file: string,
    private readonly capacity = 500,
  ) {}

  prepare(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      let prepared: Statement;
      try {
        prepared = this.database.prepare(sql);
      } catch (error) {
        throw corruptionOr(error, this.file);
      }
      statement = new CorruptionReportingStatement(prepared, this.file);
      // The oldest entry makes room. Marking hits as recently used would cost a hash of the SQL
      // text twice more on every query; a hot statement evicted now and then is cheaper.
      if (this.statements.size >= this.capacity) this.statements.delete(this.statements.keys().next().value as string);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    this.statements.clear();
    this.database.close();
  }
}

/** A prepared statement whose failures name the file when SQLite reports it damaged. */
class CorruptionReportingStatement implements SqliteStatement {
  readonly reader: boolean;

  constructor(
    private readonly statement: Statement,
    private readonly file: string,
  ) {
    this.reader = statement.reader;
  }

  all(parameters: ReadonlyArray<unknown>): unknown[] {
    try {
      return this.statement.all(parameters);
    } catch (error) {
      throw corruptionOr(error, this.file);
    }
  }

  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    try {
      return this.statement.run(parameters);
    } catch (error) {
      throw corruptionOr(error, this.file);
    }
  }

  *iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    try {
      yield* this.statement.iterate(parameters);
    } catch (error) {
      throw corruptionOr(error, this.file);
    }
  }
}
