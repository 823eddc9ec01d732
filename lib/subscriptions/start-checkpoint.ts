import type { EventStore } from '../event-store/event-store';
import { lastPositionRecordedBefore } from '../store/positions-in-time';
import type { BoundSubscriber } from './bound-subscriber';
import { segmentName } from './segments/segments';
import type { StartPosition } from './start-position';
import type { SubscriptionStore } from './subscription-store';

/**
 * The checkpoint of a subscriber that starts at `start`: the position after which it receives
 * events, one before the first event it is to receive.
 *
 * `'now'` is after every event committed so far, readable yet or not (on PostgreSQL, see
 * `EventStore.headPosition`): an append still committing at this moment counts as before it. A
 * position needs no such care: reading goes on from `position - 1` up to the readable head, so an
 * event at or after the position that commits late is still read when it becomes readable.
 *
 * @example
 * ```ts
 * await checkpointBefore(store, { position: 42 }); // 41
 * ```
 */
export async function checkpointBefore(store: EventStore, start: StartPosition): Promise<number> {
  if (start === 'beginning') return 0;
  if (start === 'now') return (await store.logHorizon()).latest;
  if ('position' in start) return start.position - 1;
  return lastPositionRecordedBefore(store, start.time);
}

/**
 * Creates the stored checkpoint of a subscriber that has none yet, where its `startFrom` says.
 * A stored checkpoint always wins: a subscriber that ran before carries on from it.
 *
 * For a subscriber split into segments, every segment's checkpoint is created in one transaction
 * at one position, so the segments start alike even when each is started by another process, or
 * when `'now'` moves on between their starts: the first transaction to commit decides, and the
 * others find the rows there.
 */
export async function ensureStartCheckpoints(env: { readonly store: EventStore; readonly subscriptions: SubscriptionStore }, subscriber: BoundSubscriber): Promise<void> {
  const { store, subscriptions } = env;
  // Its siblings' rows are made with its own, so one read answers for all on every later start.
  if (await subscriptions.load(subscriber.name)) return;
  const start = await checkpointBefore(store, subscriber.startFrom);
  await store.eventfoldTransaction(async (db) => {
    for (const name of siblingNames(subscriber)) await subscriptions.ensure(name, subscriber.kind, start, db);
  });
}

/** The stored names of the subscriber a bound subscriber (or segment) belongs to: every segment's, or its own. */
function siblingNames(subscriber: BoundSubscriber): string[] {
  const { segment } = subscriber;
  if (!segment) return [subscriber.name];
  return Array.from({ length: segment.count }, (_, index) => segmentName({ subscriber: segment.subscriber, index, count: segment.count }));
}
