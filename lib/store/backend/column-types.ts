/** The column types of eventfold's tables that differ between databases. */
export interface ColumnTypes {
  /** A 64-bit integer key the database assigns in increasing order. */
  readonly serial: 'integer' | 'bigserial';
  readonly bigint: 'integer' | 'bigint';
  readonly json: 'text' | 'jsonb';
  readonly timestamp: 'text' | 'timestamptz';
}
