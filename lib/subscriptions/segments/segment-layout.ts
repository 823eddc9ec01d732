import type { EventStore } from '../../event-store/event-store';
import { splitIntoSegments, type BoundSubscriber } from '../bound-subscriber';
import type { DeadLetterStore } from '../dead-letter-store';
import { parseSegmentName, segmentName, segmentOfStream } from './segments';
import { SegmentsChangedError } from '../subscriber-errors';
import type { SavedSubscription, SubscriptionStore } from '../subscription-store';

/**
 * Carries a subscriber's stored checkpoints over to the number of segments it is started with,
 * when that number changed since it last ran (including from and to 1, unsplit).
 *
 * Every new segment starts at the lowest checkpoint of the old ones, and each dead letter moves to
 * the segment its stream now belongs to. For a handler this may deliver again events an old
 * segment had finished past that checkpoint: at least once, as always. A projection must not see
 * an event twice, so it is carried over only where every old segment stands at the same position.
 * Nothing is carried over while a process still holds a lease of the old layout.
 *
 * `saved` is every stored subscription, as `SubscriptionStore.list()` returns them.
 *
 * @throws {@link SegmentsChangedError} when the change cannot be made now, saying what to do.
 */
export async function adoptSegmentLayout(
  env: { readonly store: EventStore; readonly subscriptions: SubscriptionStore; readonly deadLetters: DeadLetterStore },
  subscriber: BoundSubscriber,
  saved: readonly SavedSubscription[],
): Promise<void> {
  const { store, subscriptions, deadLetters } = env;
  const wanted = splitIntoSegments(subscriber).map((segment) => segment.name);
  const stale = saved.filter((row) => (parseSegmentName(row.name)?.subscriber ?? row.name) === subscriber.name && !wanted.includes(row.name));
  if (stale.length === 0) return;
  const staleNames = stale.map((row) => row.name);
  const previous = [...new Set(stale.map((row) => parseSegmentName(row.name)?.count ?? 1))].sort((a, b) => a - b);
  const changeError = (reason: string) => new SegmentsChangedError(subscriber.name, previous, subscriber.segments, reason);

  const [live] = await subscriptions.liveLeases(staleNames);
  if (live) {
    throw changeError(
      `process ${live.owner} still runs '${live.name}'. Stop every process that runs it with the old number of segments ` +
        '(or wait for their leases to run out), then start it again.',
    );
  }
  if (subscriber.kind === 'projection') {
    const positions = [...new Set(stale.map((row) => row.position))];
    if (positions.length > 1 || stale.some((row) => row.ahead.length > 0)) {
      throw changeError(
        `its old segments stopped at different positions (${stale.map((row) => `${row.name} at ${row.position}`).join(', ')}), and a projection ` +
          'must apply each event exactly once. Run it with the old number of segments until dispatcher.idle() resolves while nothing is ' +
          'appended, stop it, then change the number.',
      );
    }
  }
  const start = Math.min(...stale.map((row) => row.position));
  const nameFor = (streamType: string, streamId: string) =>
    subscriber.segments === 1
      ? subscriber.name
      : segmentName({ subscriber: subscriber.name, index: segmentOfStream(streamType, streamId, subscriber.segments), count: subscriber.segments });

  await store.eventfoldTransaction(async (db) => {
    for (const name of wanted) await subscriptions.ensure(name, subscriber.kind, start, db);
    await deadLetters.reassign(db, staleNames, nameFor);
    await subscriptions.remove(db, staleNames);
  });
}
