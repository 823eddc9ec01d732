import type { Kysely } from 'kysely';
import type { EventfoldTables } from '../schema';
import type { StreamRef } from '../stream-ref';
import { isArchived } from './archived-streams';
import { StreamArchivedError } from './stream-archived-error';

/**
 * Wraps the page reads of one stream, whose query already leaves out the rows of an archived
 * stream, so that reading an archived stream fails with {@link StreamArchivedError} instead of
 * looking empty. Only an empty first page asks whether the stream is archived: reading a stream
 * with events costs what it did before.
 */
export function refusingArchived<Row>(db: Kysely<EventfoldTables>, stream: StreamRef, fetchPage: (after: number) => Promise<Row[]>): (after: number) => Promise<Row[]> {
  let first = true;
  return async (after) => {
    const rows = await fetchPage(after);
    if (first) {
      first = false;
      if (rows.length === 0 && (await isArchived(db, stream))) throw new StreamArchivedError(stream, 'read');
    }
    return rows;
  };
}
