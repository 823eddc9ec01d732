import type { DeadLetter } from '../../subscriptions/dead-letter-store';
import type { SavedSubscription } from '../../subscriptions/subscription-store';

/**
 * Whether a dead letter holds the event its subscriber halted on: one its checkpoint has not
 * passed. A parked dead letter's event counts as finished, so the checkpoint moved past it.
 */
export function isHaltedOn(subscription: SavedSubscription | undefined, letter: DeadLetter): boolean {
  if (!subscription) return false;
  return letter.position > subscription.position && !subscription.ahead.includes(letter.position);
}
