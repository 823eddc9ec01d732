import type { Kysely } from 'kysely';
import type { EventfoldTables } from '../schema';
import type { StoredEventDecoder } from '../stored-event-decoder';
import type { StoredEventTuple } from '../stored-event-tuple';
import { HiddenStreams } from './archived-streams';

/**
 * Wraps the page reads of the whole log so that `decoder` passes over the events of archived
 * streams, telling `onHidden` of each. The archived streams are read once, beside the first page:
 * a read of a log with none to hide costs what it did before archiving existed.
 */
export function hidingArchived(
  db: Kysely<EventfoldTables>,
  decoder: StoredEventDecoder,
  fetchRows: (after: number) => Promise<StoredEventTuple[]>,
  onHidden: ((row: StoredEventTuple) => void) | undefined,
): (after: number) => Promise<StoredEventTuple[]> {
  let hidden: Promise<HiddenStreams> | undefined;
  return async (after) => {
    hidden ??= HiddenStreams.read(db);
    const [streams, rows] = await Promise.all([hidden, fetchRows(after)]);
    decoder.hide(streams, onHidden);
    return rows;
  };
}
