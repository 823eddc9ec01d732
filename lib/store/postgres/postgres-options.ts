import type { PostgresPool } from './postgres-pool';

/** Options of a store on PostgreSQL. */
export interface PostgresOptions {
  /**
   * A connection string (`postgres://user@host:5432/database`) or a `pg.Pool`. A pool the store
   * creates from a string is closed with the store; a pool passed in is left open.
   */
  postgres: string | PostgresPool;
  /**
   * The schema (namespace) that holds eventfold's tables, created if missing. Lets several
   * applications, or test runs, share one database without seeing each other. Defaults to
   * `public`.
   */
  schema?: string;
  /** Connections of a pool the store creates. Defaults to 10. */
  poolSize?: number;
}
