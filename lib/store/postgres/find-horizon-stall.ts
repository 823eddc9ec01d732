import { sql, type Kysely } from 'kysely';
import { EVENTS_TABLE, type EventfoldTables } from '../schema';
import type { HorizonHolder, HorizonStall } from './horizon-stall';
import { READABLE_HEAD } from './log-horizon';

/** The longest statement text a report carries: enough to recognise it, short enough for a log line. */
const QUERY_TEXT_LIMIT = 500;

/** What PostgreSQL shows in place of another role's statement to a role without `pg_read_all_stats`. */
const HIDDEN_QUERY = '<insufficient privilege>';

/** One row of {@link findHorizonStall}'s statement; numbers come as float8 or int, text as text. */
interface StallRow {
  readable: number | string;
  latest: number | string;
  since: Date | string;
  stalled_ms: number;
  xmin: string;
  pid: number | null;
  datname: string | null;
  usename: string | null;
  application_name: string | null;
  state: string | null;
  query: string | null;
  session_age_ms: number | null;
  session_xid_age: number | null;
  gid: string | null;
  prepared_database: string | null;
  owner: string | null;
  prepared_age_ms: number | null;
  prepared_xid_age: number | null;
}

/**
 * Looks at the horizon of a PostgreSQL event log: undefined when every committed event is
 * readable, otherwise the stall and the transaction causing it.
 *
 * The transaction is the one whose id is the snapshot's `xmin`, the oldest still running on the
 * server: readers stop below it (see `log-horizon.ts`). A session shows it in `pg_stat_activity`
 * as `backend_xid`, a prepared transaction in `pg_prepared_xacts`; neither view is filtered by
 * database, because transaction ids are the server's and a transaction in another database holds
 * readers back as well. Those views show 32-bit ids, so they are matched to the low 32 bits of
 * the 64-bit `xmin` (ids of running transactions are never 2^31 apart, so this is exact).
 *
 * Everything comes from one statement, hence one snapshot: the horizon, the first event waiting,
 * and who holds it agree. Ages are the server's, so the application's clock does not matter.
 */
export async function findHorizonStall(db: Kysely<EventfoldTables>): Promise<HorizonStall | undefined> {
  const events = sql.table(EVENTS_TABLE);
  const { rows } = await sql<StallRow>`
    select h.readable, (select max(position) from ${events}) as latest,
      w.recorded_at as since, extract(epoch from clock_timestamp() - w.recorded_at)::float8 * 1000 as stalled_ms,
      h.xmin::text as xmin,
      a.pid, a.datname, a.usename, a.application_name, a.state, left(a.query, ${QUERY_TEXT_LIMIT}) as query,
      extract(epoch from clock_timestamp() - a.xact_start)::float8 * 1000 as session_age_ms, age(a.backend_xid) as session_xid_age,
      p.gid, p.database as prepared_database, p.owner,
      extract(epoch from clock_timestamp() - p.prepared)::float8 * 1000 as prepared_age_ms, age(p.transaction) as prepared_xid_age
    from (select pg_snapshot_xmin(pg_current_snapshot()) as xmin, coalesce(${READABLE_HEAD}, 0) as readable) h
    join lateral (select position, recorded_at from ${events} where position > h.readable order by position limit 1) w on true
    left join lateral (
      -- A parallel query's workers share their leader's transaction: report the leader.
      select * from pg_stat_activity where backend_xid::text = (h.xmin::text::numeric % 4294967296)::text
      order by leader_pid is not null, pid limit 1
    ) a on true
    left join lateral (select * from pg_prepared_xacts where transaction::text = (h.xmin::text::numeric % 4294967296)::text limit 1) p on true
  `.execute(db);
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    readableHead: Number(row.readable),
    latestPosition: Number(row.latest),
    since: new Date(row.since),
    forMs: Math.max(0, Math.round(Number(row.stalled_ms))),
    holder: holderOf(row),
  };
}

function holderOf(row: StallRow): HorizonHolder | null {
  if (row.pid !== null) {
    // A session with a transaction id always has a transaction start: without one, it is hidden.
    const redacted = row.session_age_ms === null || row.query === HIDDEN_QUERY;
    return {
      kind: 'session',
      pid: row.pid,
      transactionId: row.xmin,
      database: row.datname,
      user: row.usename,
      applicationName: row.application_name,
      state: row.state,
      transactionAgeMs: milliseconds(row.session_age_ms),
      xidAge: Number(row.session_xid_age),
      query: row.query === HIDDEN_QUERY ? null : row.query,
      redacted,
    };
  }
  if (row.gid !== null) {
    return {
      kind: 'prepared',
      gid: row.gid,
      transactionId: row.xmin,
      database: row.prepared_database,
      user: row.owner,
      transactionAgeMs: milliseconds(row.prepared_age_ms),
      xidAge: Number(row.prepared_xid_age),
    };
  }
  return null;
}

function milliseconds(value: number | null): number | null {
  return value === null ? null : Math.max(0, Math.round(Number(value)));
}
