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
    private readonly capacity = 200,
  ) {}

  prepare(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (statement) {
      // Re-insert to mark it recently used; Map keeps insertion order, so the first key is the oldest.
      this.statements.delete(sql);
    } else {
      statement = this.database.prepare(sql);
      if (this.statements.size >= this.capacity) {
        this.statements.delete(this.statements.keys().next().value as string);
      }
    }
    this.statements.set(sql, statement);
    return statement as unknown as SqliteStatement;
  }

  close(): void {
    this.statements.clear();
    this.database.close();
  }
}
