import { recordedAtBound } from './point-in-time';
import type { EventLog } from './event-log';
import { EVENTS_TABLE } from './schema';

/**
 * The position of the last event recorded before `at`, 0 when there is none: a subscriber that
 * is to receive every event recorded at or after `at` starts after it.
 *
 * Events are recorded in position order (an append takes its time with its positions, one append
 * at a time), so the events before `at` are a prefix of the log. On PostgreSQL an append still
 * committing has a higher position than every event before it that has committed, so it falls
 * after the position returned, whenever it commits: it is delivered, never skipped. The search
 * walks the log backwards from its end, so a recent `at` is found at once.
 *
 * @example
 * ```ts
 * const checkpoint = await lastPositionRecordedBefore(store, new Date('2026-01-01T00:00:00Z'));
 * ```
 */
export async function lastPositionRecordedBefore(store: EventLog, at: Date): Promise<number> {
  const bound = recordedAtBound(at);
  if (bound === undefined) return 0;
  const row = await store.eventfoldDb
    .selectFrom(EVENTS_TABLE)
    .select('position')
    .where('recorded_at', '<', bound)
    .orderBy('position', 'desc')
    .limit(1)
    .executeTakeFirst();
  return Number(row?.position ?? 0);
}

/**
 * How many events of the log lie after position `after` up to position `upTo` (0 when `upTo`
 * is not beyond `after`): what a subscriber moved from one checkpoint to the other passes over.
 *
 * @example
 * ```ts
 * const again = await countEventsBetween(store, 0, 120); // the events before position 121
 * ```
 */
export async function countEventsBetween(store: EventLog, after: number, upTo: number): Promise<number> {
  if (upTo <= after) return 0;
  const row = await store.eventfoldDb
    .selectFrom(EVENTS_TABLE)
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('position', '>', after)
    .where('position', '<=', upTo)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}
