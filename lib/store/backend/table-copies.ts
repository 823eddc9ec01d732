import type { QueryExecutorProvider } from 'kysely';

/**
 * Copies of application tables, for a projection rebuilding its read model beside the one the
 * application reads (blue/green). Each database copies a table's definition its own way; what
 * they share is that every step runs inside the caller's transaction, so a copy appears,
 * replaces its table or disappears together with the checkpoints that go with it.
 */
export interface TableCopies {
  /**
   * Creates `copy`, empty, with the columns, keys and indexes of `table` (dropping a leftover
   * `copy` first); false, creating nothing, when `table` does not exist.
   */
  create(db: QueryExecutorProvider, table: string, copy: string): Promise<boolean>;
  /** Drops `table` and gives `copy` its name (and its indexes' names, where the database can rename indexes). */
  replace(db: QueryExecutorProvider, table: string, copy: string): Promise<void>;
  /** Drops `copy` if it exists. */
  drop(db: QueryExecutorProvider, copy: string): Promise<void>;
}
