import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { SubscriptionStore } from '../subscription-store';
import { OperationLeaseLost } from './operation-interruptions';
import { SubscriberBusyError } from './subscriber-busy-error';

/**
 * Runs `work` while holding the leases of the subscribers `names`, as a dispatcher would hold
 * them, and gives them back afterwards, whatever happens.
 *
 * While an operation works on a subscriber's checkpoint, no dispatcher may start the subscriber
 * halfway through it, and none may be running it already: a dispatcher that starts meanwhile
 * stands by until the lease is given back, then carries on from what the operation left. The
 * leases are renewed while `work` runs, however long a retry policy makes it; each operation
 * takes them under an owner of its own, so two operations of one process exclude each other too.
 *
 * @throws {@link SubscriberBusyError} when another process holds one of the leases; none is kept.
 *
 * @example
 * ```ts
 * await withOperationLease(subscriptions, ['open-orders'], "resume 'open-orders'", 5000, async (owner) => {
 *   await subscriptions.setStatus('open-orders', 'stopped');
 * });
 * ```
 */
export async function withOperationLease<T>(
  subscriptions: SubscriptionStore,
  names: readonly string[],
  operation: string,
  leaseMs: number,
  work: (owner: string) => Promise<T>,
): Promise<T> {
  const owner = `${hostname()}:${process.pid}:eventfold-operations:${randomUUID().slice(0, 8)}`;
  const taken: string[] = [];
  try {
    for (const name of names) {
      if (!(await subscriptions.acquireLease(name, owner, leaseMs))) throw await busyError(subscriptions, name, operation);
      taken.push(name);
    }
    // A renewal that fails is not reported here: the lease then lapses, and the operation's own
    // writes, which name the owner, find that out and fail with the process that took over.
    const renewal = setInterval(
      () => {
        for (const name of taken) void subscriptions.acquireLease(name, owner, leaseMs).catch(() => undefined);
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    renewal.unref();
    try {
      return await work(owner);
    } catch (error) {
      if (error instanceof OperationLeaseLost) throw await busyError(subscriptions, error.subscriber, operation);
      throw error;
    } finally {
      clearInterval(renewal);
    }
  } finally {
    // A release that fails (the database went away) leaves the lease to lapse by itself, which
    // is all a release does sooner; the caller needs the operation's own outcome.
    for (const name of taken) await subscriptions.releaseLease(name, owner).catch(() => undefined);
  }
}

/** The busy error for a subscriber, naming the process that holds its lease now. */
async function busyError(subscriptions: SubscriptionStore, name: string, operation: string): Promise<SubscriberBusyError> {
  const saved = await subscriptions.load(name);
  const expires = saved?.leaseExpiresAt ?? null;
  return new SubscriberBusyError(name, operation, saved?.leaseOwner ?? null, expires === null ? null : new Date(expires));
}
