/** How the database numbers statement parameters: `?` (SQLite) or `$1, $2, ...` (PostgreSQL). */
export type ParameterStyle = 'question-mark' | 'numbered';

/**
 * Parameters per statement at most: below SQLite's limit of 32,766 and PostgreSQL's of 65,535,
 * and large enough that a batch of a few thousand rows takes a handful of statements.
 */
const MAX_PARAMETERS = 30_000;

/**
 * The SQL of a fold projection's three statements (load rows by key, delete rows by key, upsert
 * rows), for any number of rows, written by hand rather than through Kysely's builder: a batch of
 * thousands of rows would otherwise build a query tree of thousands of nodes each time. Recent
 * texts are kept, as a live projection tends to see the same few shapes.
 */
export class RowStatements {
  /** The table's name, quoted. */
  readonly tableName: string;
  private readonly keyList: string;
  private readonly texts = new Map<string, string>();

  constructor(
    table: string,
    private readonly keyColumns: readonly string[],
    private readonly style: ParameterStyle,
  ) {
    this.tableName = table.split('.').map(quoteIdentifier).join('.');
    this.keyList = keyColumns.map(quoteIdentifier).join(', ');
  }

  /** Rows per statement when each row takes `parameters` parameters. */
  static rowsPerStatement(parameters: number): number {
    return Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, parameters)));
  }

  /** `select *` of the rows with any of `count` keys. */
  selectByKeys(count: number): string {
    return this.cached(`select:${count}`, () => `select * from ${this.tableName} where ${this.keyCondition(count)}`);
  }

  /** Deletes the rows with any of `count` keys. */
  deleteByKeys(count: number): string {
    return this.cached(`delete:${count}`, () => `delete from ${this.tableName} where ${this.keyCondition(count)}`);
  }

  /** Inserts `count` rows of `columns`, replacing the non-key columns of rows whose key exists. */
  upsert(columns: readonly string[], count: number): string {
    return this.cached(`upsert:${count}:${columns.join('\u0000')}`, () => {
      const names = columns.map(quoteIdentifier);
      const updated = columns.filter((column) => !this.keyColumns.includes(column)).map(quoteIdentifier);
      const onConflict = updated.length === 0 ? 'do nothing' : `do update set ${updated.map((name) => `${name} = excluded.${name}`).join(', ')}`;
      return `insert into ${this.tableName} (${names.join(', ')}) values ${this.tuples(count, columns.length)} on conflict (${this.keyList}) ${onConflict}`;
    });
  }

  private keyCondition(count: number): string {
    if (this.keyColumns.length === 1) return `${this.keyList} in (${this.placeholders(0, count)})`;
    // SQLite compares row values only with a subquery or VALUES on the right; PostgreSQL types
    // VALUES on its own (as text), so it compares against a list of row constructors instead.
    const tuples = this.tuples(count, this.keyColumns.length);
    return this.style === 'numbered' ? `(${this.keyList}) in (${tuples})` : `(${this.keyList}) in (values ${tuples})`;
  }

  /** `(?, ?), (?, ?)`: `count` tuples of `width` parameters. */
  private tuples(count: number, width: number): string {
    const tuples: string[] = [];
    for (let row = 0; row < count; row++) tuples.push(`(${this.placeholders(row * width, width)})`);
    return tuples.join(', ');
  }

  /** `width` parameters, the first being number `first` (from 0). */
  private placeholders(first: number, width: number): string {
    const parameters: string[] = [];
    for (let index = first; index < first + width; index++) parameters.push(this.style === 'numbered' ? `$${index + 1}` : '?');
    return parameters.join(', ');
  }

  private cached(key: string, build: () => string): string {
    let text = this.texts.get(key);
    if (text === undefined) {
      text = build();
      // Batches come in many sizes, and a text is as long as its rows: keep only the recent shapes.
      if (this.texts.size >= 64) this.texts.clear();
      this.texts.set(key, text);
    }
    return text;
  }
}

/** An identifier as both SQLite and PostgreSQL read it, whatever characters it holds. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
