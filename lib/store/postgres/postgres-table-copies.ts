import { sql, type QueryExecutorProvider } from 'kysely';
import type { TableCopies } from '../backend/table-copies';

/**
 * Copies on PostgreSQL with `CREATE TABLE … (LIKE … INCLUDING ALL)`: columns, defaults, NOT NULL
 * and check constraints, keys, indexes, identity columns and comments. Foreign keys, triggers,
 * grants and policies are not copied. Tables are those of the connection's current schema (the
 * store's, for a store opened with `schema`).
 *
 * PostgreSQL names the copy's indexes after the copy; once the copy has replaced its table they
 * are renamed to the names of the table's indexes they match, so the read model keeps its index
 * (and constraint) names from one rebuild to the next.
 */
export const postgresTableCopies: TableCopies = {
  async create(db, table, copy) {
    await dropTable(db, copy);
    const found = await sql<{ found: number }>`select 1 as found from pg_tables where schemaname = current_schema() and tablename = ${table}`.execute(db);
    if (found.rows.length === 0) return false;
    await sql`create table ${sql.table(copy)} (like ${sql.table(table)} including all)`.execute(db);
    return true;
  },
  async replace(db, table, copy) {
    const tableIndexes = await indexesOf(db, table);
    const copyIndexes = await indexesOf(db, copy);
    await dropTable(db, table);
    await sql`alter table ${sql.table(copy)} rename to ${sql.table(table)}`.execute(db);
    for (const index of copyIndexes) {
      const matches = tableIndexes.filter((candidate) => candidate.shape === index.shape);
      const original = matches.length === 1 ? matches[0]!.name : undefined;
      if (original !== undefined && original !== index.name) {
        await sql`alter index ${sql.id(index.name)} rename to ${sql.id(original)}`.execute(db);
      }
    }
  },
  drop: dropTable,
};

/** A table's indexes, each with its definition stripped of its own and its table's names. */
async function indexesOf(db: QueryExecutorProvider, table: string): Promise<Array<{ name: string; shape: string }>> {
  const rows = await sql<{ indexname: string; indexdef: string }>`
    select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename = ${table}`.execute(db);
  return rows.rows.map((row) => ({ name: row.indexname, shape: row.indexdef.replace(/^CREATE (UNIQUE )?INDEX \S+ ON \S+/, 'CREATE $1INDEX ON') }));
}

async function dropTable(db: QueryExecutorProvider, table: string): Promise<void> {
  await sql`drop table if exists ${sql.table(table)}`.execute(db);
}
