/** What is known of the transaction holding readers back, whatever its kind. */
interface HolderFacts {
  /** Its transaction id, as PostgreSQL prints an `xid8`. */
  readonly transactionId: string;
  /** The database it runs in. Any database of the server holds readers back, not only the store's. */
  readonly database: string | null;
  /** The role it runs as (for a prepared transaction, the role that prepared it). */
  readonly user: string | null;
  /**
   * How long the transaction has been open, in milliseconds; for a prepared transaction, how long
   * ago it was prepared. Null when the role the store connects as may not see it (see
   * {@link SessionHolder.redacted}).
   */
  readonly transactionAgeMs: number | null;
  /** How many transaction ids the server has handed out since this one's: PostgreSQL's `age(xid)`. */
  readonly xidAge: number;
}

/**
 * A session whose open transaction holds readers back: an `idle in transaction` connection, a
 * long migration, a report that wrote something. Ending it releases them.
 *
 * @example
 * ```ts
 * const holder: SessionHolder = {
 *   kind: 'session', pid: 4242, transactionId: '7851', database: 'app', user: 'reports',
 *   applicationName: 'psql', state: 'idle in transaction', transactionAgeMs: 95_000, xidAge: 312,
 *   query: 'update accounts set frozen = true', redacted: false,
 * };
 * ```
 */
export interface SessionHolder extends HolderFacts {
  readonly kind: 'session';
  /** The server process of the session: `select pg_terminate_backend(pid)` ends it. */
  readonly pid: number;
  readonly applicationName: string | null;
  /** `'active'`, `'idle in transaction'`, … as `pg_stat_activity` says; null when hidden. */
  readonly state: string | null;
  /** The statement it runs, or ran last; null when hidden. */
  readonly query: string | null;
  /**
   * True when PostgreSQL hides the session's state, transaction start and statement from the role
   * the store connects as (it is another role's, and this one lacks `pg_read_all_stats`). Its pid,
   * database, user and transaction id are known all the same.
   */
  readonly redacted: boolean;
}

/**
 * A prepared transaction (`PREPARE TRANSACTION`, two-phase commit) holding readers back. It has
 * no session: it holds them until someone runs `COMMIT PREPARED` or `ROLLBACK PREPARED` with its
 * `gid`, even across server restarts.
 *
 * @example
 * ```ts
 * const holder: PreparedHolder = {
 *   kind: 'prepared', gid: 'payment-17', transactionId: '7851', database: 'app', user: 'billing',
 *   transactionAgeMs: 600_000, xidAge: 1204,
 * };
 * ```
 */
export interface PreparedHolder extends HolderFacts {
  readonly kind: 'prepared';
  /** The name it was prepared under. */
  readonly gid: string;
}

/** The transaction holding readers of a PostgreSQL event log back: a session's, or a prepared one. */
export type HorizonHolder = SessionHolder | PreparedHolder;

/**
 * Committed events that readers cannot see yet, because a transaction older than them is still
 * open somewhere on the PostgreSQL server (the log's readable head, see
 * {@link EventStore.headPosition}, stops below the oldest transaction still running). Nothing is
 * lost: they become readable, in order, once that transaction ends. eventfold never reads past
 * it, since an event of that transaction, or of one like it, could still appear before them.
 *
 * `dispatcher.stats()` reports it as `stalled` on each subscriber it holds back, and
 * `eventfold status` and {@link SubscriberOperations.status} show it. It never happens on SQLite.
 *
 * @example
 * ```ts
 * const stall: HorizonStall = {
 *   readableHead: 1200, latestPosition: 1213, since: new Date('2026-03-02T09:14:05Z'), forMs: 95_000,
 *   holder: { kind: 'prepared', gid: 'payment-17', transactionId: '7851', database: 'app', user: 'billing', transactionAgeMs: 600_000, xidAge: 1204 },
 * };
 * ```
 */
export interface HorizonStall {
  /** Readers stop at this position: every event up to it is readable. */
  readonly readableHead: number;
  /** The last committed position. The events after the readable head, up to this one, wait. */
  readonly latestPosition: number;
  /** When the first event that waits was appended: readers have been held back since then. */
  readonly since: Date;
  /** How long readers have been held back, in milliseconds, by the database server's clock. */
  readonly forMs: number;
  /**
   * The transaction holding them back. Null when it could not be identified: it ended as the
   * stall was being looked at, or PostgreSQL shows it nowhere (a walsender's, say).
   */
  readonly holder: HorizonHolder | null;
}
