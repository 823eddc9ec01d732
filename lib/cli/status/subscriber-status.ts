import type { EventStore } from '../../store/event-store';
import { DeadLetterStore } from '../../subscriptions/dead-letter-store';
import { parseSegmentName } from '../../subscriptions/segments/segments';
import { SubscriptionStore, type SavedSubscription } from '../../subscriptions/subscription-store';
import type { ConfiguredSubscriber } from '../subscribers/configured-subscribers';

/**
 * What a subscriber is doing, as far as the database tells: `'running'` while some process holds
 * its lease, `'halted'` when it stopped on an event that failed, `'stopped'` when no process
 * runs it, `'not started'` when it is in the config but has never run.
 */
export type SubscriberState = 'running' | 'halted' | 'stopped' | 'not started';

/** One line of `eventfold status`. */
export interface SubscriberStatusView {
  readonly name: string;
  readonly kind: string;
  readonly state: SubscriberState;
  /** Every event up to this position is finished. */
  readonly checkpoint: number;
  /** Events of the log not finished yet. */
  readonly lag: number;
  readonly deadLetters: number;
  /** The process that holds the lease (`host:pid:random`), while one does. */
  readonly heldBy: string | null;
  /** Why it halted, or why it looks stopped. */
  readonly reason: string | null;
}

/** The head of the log and the state of every subscriber, read without starting any. */
export interface StatusReport {
  readonly head: number;
  readonly subscribers: readonly SubscriberStatusView[];
}

/**
 * Reads checkpoints, leases and dead-letter counts: every subscriber that ever ran, plus those of
 * the config that never did, sorted by name.
 *
 * @example
 * ```ts
 * const { head, subscribers } = await readStatus(store, []);
 * ```
 */
export async function readStatus(store: EventStore, configured: readonly ConfiguredSubscriber[], now = Date.now()): Promise<StatusReport> {
  const head = await store.headPosition();
  const saved = await new SubscriptionStore(store.db).list();
  const letters = await new DeadLetterStore(store.db).countBySubscriber();
  const views = saved.map((subscription) => viewOf(subscription, head, letters.get(subscription.name) ?? 0, now));
  // A subscriber split into segments shows as its segments, e.g. open-orders[1/2].
  const known = new Set(views.map((view) => parseSegmentName(view.name)?.subscriber ?? view.name));
  for (const subscriber of configured) {
    if (known.has(subscriber.name)) continue;
    known.add(subscriber.name);
    views.push({ name: subscriber.name, kind: subscriber.kind, state: 'not started', checkpoint: 0, lag: head, deadLetters: 0, heldBy: null, reason: null });
  }
  return { head, subscribers: views.sort((a, b) => a.name.localeCompare(b.name)) };
}

function viewOf(subscription: SavedSubscription, head: number, deadLetters: number, now: number): SubscriberStatusView {
  const leased = subscription.leaseOwner !== null && (subscription.leaseExpiresAt ?? 0) > now;
  const finishedAhead = subscription.ahead.filter((position) => position <= head).length;
  let state: SubscriberState = leased ? 'running' : 'stopped';
  let reason: string | null = null;
  if (subscription.status === 'halted') {
    state = 'halted';
    reason = subscription.statusReason;
  } else if (subscription.status === 'running' && !leased) {
    reason = 'its last process ended without stopping it (it crashed or was killed)';
  }
  return {
    name: subscription.name,
    kind: subscription.kind,
    state,
    checkpoint: subscription.position,
    lag: Math.max(0, head - subscription.position - finishedAhead),
    deadLetters,
    heldBy: leased ? subscription.leaseOwner : null,
    reason,
  };
}
