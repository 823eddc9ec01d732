import type { HorizonHolder, HorizonStall } from './horizon-stall';

/** How much of the holder's statement a one-line description quotes. */
const STATEMENT_CHARACTERS = 120;

/**
 * A stall in one line for a log or a terminal: which events wait, for how long, and for which
 * transaction.
 *
 * @example
 * ```ts
 * const stall: HorizonStall = {
 *   readableHead: 1200, latestPosition: 1213, since: new Date('2026-03-02T09:14:05Z'), forMs: 95_000,
 *   holder: { kind: 'prepared', gid: 'payment-17', transactionId: '7851', database: 'app', user: 'billing', transactionAgeMs: 600_000, xidAge: 1204 },
 * };
 * describeHorizonStall(stall);
 * // "the events committed after position 1200 (up to 1213) have waited 95 s for prepared transaction 'payment-17' (database app, owner billing, prepared 10 min ago, xid age 1204) to end"
 * ```
 */
export function describeHorizonStall(stall: HorizonStall): string {
  const { readableHead, latestPosition, forMs, holder } = stall;
  return `the events committed after position ${readableHead} (up to ${latestPosition}) have waited ${roughDuration(forMs)} for ${describeHorizonHolder(holder)} to end`;
}

/**
 * The transaction holding readers back, in one line for a log or a terminal: which session or
 * prepared transaction, where, since when, and what it ran when PostgreSQL shows it.
 *
 * @example
 * ```ts
 * const holder: HorizonHolder = {
 *   kind: 'session', pid: 4242, transactionId: '7851', database: 'app', user: 'reports', applicationName: 'psql',
 *   state: 'idle in transaction', transactionAgeMs: 95_000, xidAge: 312, query: 'update accounts set frozen = true', redacted: false,
 * };
 * describeHorizonHolder(holder);
 * // "the transaction of backend pid 4242 (database app, user reports, application psql, idle in transaction, transaction open 95 s, xid age 312, last statement: update accounts set frozen = true)"
 * ```
 */
export function describeHorizonHolder(holder: HorizonHolder | null): string {
  if (holder === null) return 'a transaction that could not be identified (it may have just ended)';
  const { database, user, transactionAgeMs, xidAge } = holder;
  if (holder.kind === 'prepared') {
    const prepared = transactionAgeMs === null ? [] : [`prepared ${roughDuration(transactionAgeMs)} ago`];
    return `prepared transaction '${holder.gid}' (${[`database ${database ?? '?'}`, `owner ${user ?? '?'}`, ...prepared, `xid age ${xidAge}`].join(', ')})`;
  }
  const facts = [`database ${database ?? '?'}`, `user ${user ?? '?'}`];
  if (holder.applicationName) facts.push(`application ${holder.applicationName}`);
  if (holder.state) facts.push(holder.state);
  if (transactionAgeMs !== null) facts.push(`transaction open ${roughDuration(transactionAgeMs)}`);
  facts.push(`xid age ${xidAge}`);
  if (holder.query) facts.push(`last statement: ${oneLine(holder.query)}`);
  if (holder.redacted) facts.push('its state, start and statement are hidden from this role, which lacks pg_read_all_stats');
  return `the transaction of backend pid ${holder.pid} (${facts.join(', ')})`;
}

/**
 * What ends a stall: ending the transaction that holds it, with the statement that does so.
 *
 * @example
 * ```ts
 * const holder: HorizonHolder = {
 *   kind: 'session', pid: 4242, transactionId: '7851', database: 'app', user: 'reports', applicationName: 'psql',
 *   state: 'idle in transaction', transactionAgeMs: 95_000, xidAge: 312, query: 'update accounts set frozen = true', redacted: false,
 * };
 * horizonStallRemedy(holder);
 * // 'commit or roll back that transaction, or end its session with `select pg_terminate_backend(4242)`'
 * ```
 */
export function horizonStallRemedy(holder: HorizonHolder | null): string {
  if (holder === null) {
    return 'if it lasts, look for the oldest transaction in pg_stat_activity (backend_xid) and pg_prepared_xacts, and end it';
  }
  if (holder.kind === 'prepared') {
    return `finish that prepared transaction in database ${holder.database ?? '?'} with \`COMMIT PREPARED '${holder.gid}'\` or \`ROLLBACK PREPARED '${holder.gid}'\``;
  }
  return `commit or roll back that transaction, or end its session with \`select pg_terminate_backend(${holder.pid})\``;
}

/**
 * A duration to the unit that matters when something has been stuck: `350 ms`, `95 s`, `12 min`, `3 h`.
 *
 * @example
 * ```ts
 * roughDuration(95_000); // '95 s'
 * ```
 */
export function roughDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 3_600_000)} h`;
}

/** A statement on one line, its whitespace collapsed, cut short when long. */
function oneLine(statement: string): string {
  const flat = statement.replace(/\s+/g, ' ').trim();
  return flat.length <= STATEMENT_CHARACTERS ? flat : `${flat.slice(0, STATEMENT_CHARACTERS - 1)}…`;
}
