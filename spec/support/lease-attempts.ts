import { SubscriptionStore } from '../../lib/subscriptions/subscription-store';

/** One attempt of a dispatcher in this process to take or renew a subscriber's lease. */
export interface LeaseAttempt {
  readonly subscriber: string;
  readonly owner: string;
  /** Whether the lease was had. */
  readonly held: boolean;
}

/**
 * Records every attempt that dispatchers of this process make to take or renew a lease, until
 * `stop()`. A spec that must show that something does not happen (a lease taken, a report
 * repeated) waits for a number of such attempts instead of for a while.
 */
export function watchLeaseAttempts(): { readonly attempts: LeaseAttempt[]; stop(): void } {
  const attempts: LeaseAttempt[] = [];
  const original = Object.getOwnPropertyDescriptor(SubscriptionStore.prototype, 'acquireLease') as PropertyDescriptor;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with the store as `this`
  const acquire = SubscriptionStore.prototype.acquireLease;
  SubscriptionStore.prototype.acquireLease = async function (this: SubscriptionStore, subscriber: string, owner: string, ttlMs: number) {
    const held = await acquire.call(this, subscriber, owner, ttlMs);
    attempts.push({ subscriber, owner, held });
    return held;
  };
  return { attempts, stop: () => Object.defineProperty(SubscriptionStore.prototype, 'acquireLease', original) };
}
