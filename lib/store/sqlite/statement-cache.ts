import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Hands Kysely's SQLite driver cached prepared statements. The driver prepares every query it
 * runs; for the store's few, constantly repeated statements that preparation costs more than
 * running them. Kysely serializes queries on its one connection, so a cached statement is never
 * in use twice at once.
 */
export class StatementCache implements SqliteDatabase {
  private readonly statements = new Map<string, Statement>();

  constructor(
    readonly database: Database,
    private readonly capacity = 500,
  ) {}

  prepare(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.database.prepare(sql);
      // The oldest entry makes room. Marking hits as recently used would cost a hash of the SQL
      // text twice more on every query; a hot statement evicted now and then is cheaper.
      if (this.statements.size >= this.capacity) this.statements.delete(this.statements.keys().next().value as string);
      this.statements.set(sql, statement);
    }
    return statement as unknown as SqliteStatement;
  }

  close(): void {
    this.statements.clear();
    this.database.close();
  }
}
