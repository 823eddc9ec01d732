import type { Kysely } from 'kysely';
import type { EventLogQueries } from './event-log-queries';
import type { EventfoldTables } from './schema';
import type { StreamRef } from './stream-ref';

/** The version of a stream's last event, 0 if it has none. */
export async function currentVersion(db: Kysely<EventfoldTables>, queries: EventLogQueries, stream: StreamRef): Promise<number> {
  const { rows } = await db.executeQuery(queries.streamVersion(stream));
  return Number(rows[0]?.version ?? 0);
}
