import type { LogEntry } from '../../inspection/follow-log';
import type { EventStore } from '../../event-store/event-store';
import { matchesLogFilter, type LogFilter } from '../pages/log-page';

/** How far back from the head the log page looks for events that pass its filter. */
const LOOK_BACK = 2000;

/**
 * The latest `limit` events that pass `filter`, newest first, among the last {@link LOOK_BACK}
 * of the log, and the head they were read up to. Undecodable events are reported, not skipped.
 */
export async function readRecentLog(store: EventStore, filter: LogFilter, limit: number): Promise<{ entries: LogEntry[]; head: number }> {
  const head = await store.headPosition();
  const entries: LogEntry[] = [];
  if (head === 0) return { entries, head };
  const keep = (entry: LogEntry) => {
    if (!matchesLogFilter(entry, filter)) return;
    entries.push(entry);
    if (entries.length > limit) entries.shift();
  };
  const onUndecodable = (error: Extract<LogEntry, { kind: 'undecodable' }>['error']) => keep({ kind: 'undecodable', error });
  for await (const recorded of store.readAll({ from: Math.max(1, head - LOOK_BACK + 1), to: head, onUndecodable })) keep({ kind: 'event', recorded });
  return { entries: entries.reverse(), head };
}
