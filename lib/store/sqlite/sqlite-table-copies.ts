import { sql, type QueryExecutorProvider } from 'kysely';
import type { TableCopies } from '../backend/table-copies';

/** A name as SQL writes it: bare, "quoted", `quoted` or [quoted], optionally after `schema.`. */
const NAME = String.raw`(?:"(?:[^"]|"")*"|\x60(?:[^\x60]|\x60\x60)*\x60|\[[^\]]*\]|[A-Za-z_][\w$]*)`;
const QUALIFIED = String.raw`(?:${NAME}\s*\.\s*)?${NAME}`;
const CREATE_TABLE = new RegExp(String.raw`^(\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?)${QUALIFIED}`, 'i');
const CREATE_INDEX = new RegExp(String.raw`^(\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?)${QUALIFIED}(\s+ON\s+)${QUALIFIED}`, 'i');

/**
 * Indexes of a copy take their table's index names with this suffix, or without it when they
 * have it already: SQLite cannot rename an index, so after each switch the read model's indexes
 * carry the other of two names, and a copy's never collide with its table's.
 */
const COPY_INDEX_SUFFIX = '__next';

/**
 * Copies on SQLite, from the `CREATE` statements SQLite keeps in `sqlite_master`: the table's
 * with the copy's name, and each index's with the copy's index name. Indexes SQLite made itself
 * for keys (`sqlite_autoindex_…`) come with the table's statement. Triggers and views are not
 * copied; a view over a read-model table would stop `ALTER TABLE … RENAME` (see the docs).
 */
export const sqliteTableCopies: TableCopies = {
  async create(db, table, copy) {
    await dropTable(db, copy);
    const rows = await sql<{ type: string; name: string; sql: string }>`
      select type, name, sql from sqlite_master where tbl_name = ${table} and type in ('table', 'index') and sql is not null
      order by case type when 'table' then 0 else 1 end`.execute(db);
    const created = rows.rows.find((row) => row.type === 'table');
    if (!created) return false;
    await sql.raw(created.sql.replace(CREATE_TABLE, (_, start: string) => `${start}${quoted(copy)}`)).execute(db);
    for (const index of rows.rows.filter((row) => row.type === 'index')) {
      const statement = index.sql.replace(CREATE_INDEX, (_, start: string, on: string) => `${start}${quoted(copyIndexName(index.name))}${on}${quoted(copy)}`);
      await sql.raw(statement).execute(db);
    }
    return true;
  },
  async replace(db, table, copy) {
    await dropTable(db, table);
    await sql`alter table ${sql.table(copy)} rename to ${sql.table(table)}`.execute(db);
  },
  drop: dropTable,
};

function copyIndexName(name: string): string {
  return name.endsWith(COPY_INDEX_SUFFIX) ? name.slice(0, -COPY_INDEX_SUFFIX.length) : `${name}${COPY_INDEX_SUFFIX}`;
}

async function dropTable(db: QueryExecutorProvider, table: string): Promise<void> {
  await sql`drop table if exists ${sql.table(table)}`.execute(db);
}

function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
