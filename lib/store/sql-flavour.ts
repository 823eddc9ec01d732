/** The databases whose differences the store handles itself. */
export type SqlFlavour = 'sqlite' | 'postgres' | 'other';

/**
 * Which database a Kysely dialect adapter speaks to. Compared by class name along the prototype
 * chain, because an adapter made with Kysely's ES module build is not an instance of the
 * CommonJS class this package imports, and dialects may derive their own adapters.
 */
export function flavourOf(adapter: object): SqlFlavour {
  for (let prototype = Object.getPrototypeOf(adapter); prototype; prototype = Object.getPrototypeOf(prototype)) {
    const name = prototype.constructor?.name;
    if (name === 'SqliteAdapter') return 'sqlite';
    if (name === 'PostgresAdapter') return 'postgres';
  }
  return 'other';
}

/** Column types that differ between databases. */
export interface ColumnTypes {
  /** A 64-bit integer key the database assigns in increasing order. */
  readonly serial: 'integer' | 'bigserial';
  readonly bigint: 'integer' | 'bigint';
  readonly json: 'text' | 'jsonb';
  readonly timestamp: 'text' | 'timestamptz';
}

/** The column types eventfold's tables use on a database of `flavour`. */
export function columnTypesFor(flavour: SqlFlavour): ColumnTypes {
  return flavour === 'postgres'
    ? { serial: 'bigserial', bigint: 'bigint', json: 'jsonb', timestamp: 'timestamptz' }
    : { serial: 'integer', bigint: 'integer', json: 'text', timestamp: 'text' };
}
