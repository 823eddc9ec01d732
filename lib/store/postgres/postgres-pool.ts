import type { PostgresPool as KyselyPostgresPool, PostgresPoolClient as KyselyPostgresPoolClient } from 'kysely';

/**
 * A `pg.Pool`, described by the part of it that eventfold uses. Any `new Pool(...)` from `pg`
 * fits. The store's published types name this shape rather than `pg`'s own classes so that an
 * application compiles without installing `@types/pg`.
 */
export interface PostgresPool extends KyselyPostgresPool {
  /** Checks out a connection; eventfold keeps one for listening to appends. */
  connect(): Promise<PostgresPoolClient>;
}

/** A connection checked out of a {@link PostgresPool}: a `pg.PoolClient`. */
export interface PostgresPoolClient extends KyselyPostgresPoolClient {
  /** Returns the connection to its pool; with an error (or `true`), the pool discards it. */
  release(destroy?: Error | boolean): void;
  /** Calls `listener` for each `NOTIFY` on a channel this connection listens to. */
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  /** Calls `listener` when the connection fails. */
  on(event: 'error', listener: (error: Error) => void): unknown;
}
