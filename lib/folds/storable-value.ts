/**
 * Why a database cannot hold `value` as a column value, or undefined when it can. better-sqlite3
 * binds only strings, numbers, bigints, buffers and null; the pg driver also takes booleans,
 * Dates, arrays and JSON objects.
 */
export function unstorableReason(value: unknown, database: 'sqlite' | 'postgres'): string | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? undefined : 'not a finite number (a column left out of initial() becomes NaN once a fold adds to it)';
    case 'string':
    case 'bigint':
      return undefined;
    case 'boolean':
      return database === 'sqlite' ? 'SQLite has no booleans: store 1 or 0 (an integer column)' : undefined;
    case 'function':
    case 'symbol':
      return `a ${typeof value} is not data`;
    case 'object':
      if (value === null || value instanceof Uint8Array || database === 'postgres') return undefined;
      if (value instanceof Date) return 'SQLite has no dates: store value.toISOString() (a text column) or value.getTime() (an integer column)';
      return 'SQLite columns hold no objects: store JSON.stringify(value) in a text column, or spread the fields over columns';
    default:
      return undefined;
  }
}
