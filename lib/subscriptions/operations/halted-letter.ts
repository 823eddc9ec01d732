import type { DeadLetter } from '../dead-letter-store';
import { haltReason } from '../halt-reason';
import type { SavedSubscription, SubscriberStatus } from '../subscription-store';

/** The status a subscriber is left with once an event it halted on is settled. */
export interface StatusAfterSettling {
  readonly status: SubscriberStatus;
  readonly reason: string | null;
}

/**
 * Whether a dead letter holds the event its subscriber halted on: its runner recorded it as
 * halted, and the checkpoint has not passed it since. A parked event counts as finished even
 * while the checkpoint is still short of it (an earlier event of another stream still running).
 *
 * @example
 * ```ts
 * const halted = isHaltedOn(await subscriptions.load(letter.subscriber), letter);
 * ```
 */
export function isHaltedOn(subscription: SavedSubscription | undefined, letter: DeadLetter): boolean {
  if (!subscription || !letter.halted) return false;
  return letter.position > subscription.position && !subscription.ahead.includes(letter.position);
}

/**
 * Why a subscriber is halted on a dead letter's event, worded as its runner words it when it
 * halts, so that the stored reason reads the same whoever wrote it.
 *
 * @example
 * ```ts
 * haltedReasonOf(letter); // 'event at position 12 (OrderFilled) failed: mail server down'
 * ```
 */
export function haltedReasonOf(letter: DeadLetter): string {
  return haltReason(letter.position, letter.eventType, letter.errorMessage);
}

/**
 * How a subscriber is left once the event it halted on is retried successfully or discarded:
 * `'stopped'`, unless it is halted on another of its dead `letters` too (a handler that runs
 * streams side by side can halt on several), which the stored reason then names.
 *
 * @example
 * ```ts
 * const { status, reason } = statusAfterSettling(saved, letter, await deadLetters.list(letter.subscriber));
 * ```
 */
export function statusAfterSettling(subscription: SavedSubscription | undefined, settled: DeadLetter, letters: readonly DeadLetter[]): StatusAfterSettling {
  if (subscription?.status !== 'halted') return { status: 'stopped', reason: null };
  const other = letters.find((letter) => letter.id !== settled.id && isHaltedOn(subscription, letter));
  return other ? { status: 'halted', reason: haltedReasonOf(other) } : { status: 'stopped', reason: null };
}
