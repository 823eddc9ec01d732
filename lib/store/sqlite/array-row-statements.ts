import type { Database, Statement } from 'better-sqlite3';
import { corruptionOr } from './database-corrupt-error';

/**
 * Prepared statements that return each row as an array of its column values, in select order,
 * for the log's page queries.
 *
 * better-sqlite3 builds an object row one property at a time, looking each column's name up
 * again for every row (on Node before 22); reading the whole log spent more time there than in
 * SQLite. An array row skips all of that. These statements are kept apart from the
 * {@link StatementCache} that Kysely prepares through, because array mode is a setting of the
 * statement, and Kysely expects objects.
 */
export class ArrayRowStatements {
  private readonly statements = new Map<string, Statement<unknown[], unknown[]>>();

  constructor(
    private readonly database: Database,
    /** The file name, for messages. */
    private readonly file: string,
  ) {}

  /** Every row `sql` selects with `parameters`, each as an array of column values. */
  all(sql: string, parameters: readonly unknown[]): unknown[][] {
    try {
      return this.statementFor(sql).all(...parameters);
    } catch (error) {
      throw corruptionOr(error, this.file);
    }
  }

  /** The few page queries of the log have few shapes, so the map stays small without eviction. */
  private statementFor(sql: string): Statement<unknown[], unknown[]> {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.database.prepare<unknown[], unknown[]>(sql).raw(true);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
