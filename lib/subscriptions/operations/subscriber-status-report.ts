import type { EventStore } from '../../event-store/event-store';
import type { HorizonStall } from '../../store/postgres/horizon-stall';
import type { DeadLetterStore } from '../dead-letter-store';
import type { SubscriberKind } from '../subscriber.decorators';
import type { InFlightRecord, SavedSubscription, SubscriberStatus, SubscriptionStore } from '../subscription-store';

/**
 * Attempts at one event that never finished: the process stopped during each (a crash, a kill,
 * an exit from a library), as the subscriber's in-flight record tells.
 */
export interface SubscriberCrash {
  /** Position of the event. */
  readonly position: number;
  /**
   * Attempts at the event that started and did not finish, as the subscriber counts them when it
   * next starts (attempts of the event's dead letter included, when it had one).
   */
  readonly unfinishedAttempts: number;
  /** The subscriber gave up on the event: it halts on it at every start until an operator acts. */
  readonly gaveUp: boolean;
  /** When the first of the unfinished attempts started. */
  readonly firstAttemptAt: Date;
  /** When the last of them started. */
  readonly lastAttemptAt: Date;
}

/** One stored subscriber (or one segment of a subscriber split into segments) as the database records it. */
export interface SubscriberStatusEntry {
  /** The subscriber's name, or a segment's, e.g. `open-orders[2/4]`. */
  readonly name: string;
  readonly kind: SubscriberKind;
  /**
   * `'halted'` when it stopped on an event that failed, whether or not a process still holds it;
   * otherwise `'running'` while some process holds its lease, `'stopped'` when none does.
   */
  readonly state: SubscriberStatus;
  /** Every event up to this position is finished. */
  readonly checkpoint: number;
  /** Events of the log not finished yet. */
  readonly lag: number;
  /** The process that holds the lease (`host:pid:random`), while one does. */
  readonly leaseHolder: string | null;
  /** When that lease runs out unless renewed. */
  readonly leaseExpiresAt: Date | null;
  /** Why it halted, when it is halted. */
  readonly haltedReason: string | null;
  /** Its last process ended without stopping it (it crashed or was killed), and none runs it now. */
  readonly endedWithoutStopping: boolean;
  /** How many dead letters it has. */
  readonly deadLetters: number;
  /**
   * An event whose attempts did not finish, when the in-flight record the last process left
   * shows one. While a process runs the subscriber, its record describes work in progress, so
   * this is null then.
   */
  readonly crash: SubscriberCrash | null;
  /**
   * PostgreSQL: a process runs it and it has finished every readable event, while later events
   * wait for a transaction left open on the server (the report's `stall`).
   */
  readonly stalled: boolean;
}

/** The head of the log and every stored subscriber, read without starting any. */
export interface SubscriberStatusReport {
  /** Position of the last event of the log. */
  readonly head: number;
  /** Sorted by name; a subscriber split into segments appears as its segments. */
  readonly subscribers: readonly SubscriberStatusEntry[];
  /**
   * PostgreSQL: committed events that readers cannot see yet, and the transaction left open that
   * holds them back (see {@link HorizonStall}); null when there are none, and always on SQLite.
   */
  readonly stall: HorizonStall | null;
}

/**
 * Reads checkpoints, leases, in-flight records and dead-letter counts of every subscriber that
 * ever ran on the store's database. Leases are judged by the clock they are kept with (on
 * PostgreSQL, the server's), so the report agrees with what a dispatcher would find.
 *
 * @example
 * ```ts
 * const { head, subscribers } = await readSubscriberStatus(store, subscriptions, deadLetters);
 * ```
 */
export async function readSubscriberStatus(store: EventStore, subscriptions: SubscriptionStore, deadLetters: DeadLetterStore): Promise<SubscriberStatusReport> {
  const head = await store.headPosition();
  const stall = (await store.horizonStall()) ?? null;
  const saved = await subscriptions.list();
  const leases = new Map((await subscriptions.liveLeases(saved.map((subscription) => subscription.name))).map((lease) => [lease.name, lease.owner]));
  const letters = await deadLetters.countBySubscriber();
  const subscribers = saved.map((subscription) => entryOf(subscription, head, leases.get(subscription.name) ?? null, letters.get(subscription.name) ?? 0, stall));
  return { head, subscribers: subscribers.sort((a, b) => a.name.localeCompare(b.name)), stall };
}

function entryOf(subscription: SavedSubscription, head: number, leaseHolder: string | null, deadLetters: number, stall: HorizonStall | null): SubscriberStatusEntry {
  const finishedAhead = subscription.ahead.filter((position) => position <= head).length;
  const halted = subscription.status === 'halted';
  const lag = Math.max(0, head - subscription.position - finishedAhead);
  return {
    name: subscription.name,
    kind: subscription.kind as SubscriberKind,
    state: halted ? 'halted' : leaseHolder ? 'running' : 'stopped',
    checkpoint: subscription.position,
    lag,
    leaseHolder,
    leaseExpiresAt: leaseHolder && subscription.leaseExpiresAt !== null ? new Date(subscription.leaseExpiresAt) : null,
    haltedReason: halted ? subscription.statusReason : null,
    endedWithoutStopping: subscription.status === 'running' && !leaseHolder,
    deadLetters,
    crash: leaseHolder ? null : crashOf(subscription),
    stalled: stall !== null && !halted && leaseHolder !== null && lag === 0,
  };
}

/**
 * The unfinished attempts a record of one event shows. A record of several events (a window
 * announced ahead) names no event, and one of an event the checkpoint covers tells of nothing
 * unfinished.
 */
function crashOf(subscription: SavedSubscription): SubscriberCrash | null {
  const record: InFlightRecord | null = subscription.inFlight;
  if (!record || record.from !== record.to) return null;
  if (record.from <= subscription.position || subscription.ahead.includes(record.from)) return null;
  const gaveUp = record.gaveUp === true;
  return {
    position: record.from,
    // A record kept for an event given up on counts its attempts already; any other announces
    // one more attempt, which never finished if the record is still there.
    unfinishedAttempts: gaveUp ? record.crashes : record.crashes + 1,
    gaveUp,
    firstAttemptAt: new Date(record.firstAt),
    lastAttemptAt: new Date(record.lastAt),
  };
}
