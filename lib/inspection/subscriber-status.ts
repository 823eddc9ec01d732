import type { EventStore } from '../event-store/event-store';
import type { HorizonStall } from '../store/postgres/horizon-stall';
import { SubscriberOperations } from '../subscriptions/operations/subscriber-operations';
import type { SubscriberStatusEntry } from '../subscriptions/operations/subscriber-status-report';
import { parseSegmentName } from '../subscriptions/segments/segments';
import type { ConfiguredSubscriber } from './configured-subscribers';

/**
 * What a subscriber is doing, as far as the database tells: `'running'` while some process holds
 * its lease, `'halted'` when it stopped on an event that failed, `'stopped'` when no process
 * runs it, `'not started'` when it is in the config but has never run.
 */
export type SubscriberState = 'running' | 'halted' | 'stopped' | 'not started';

/** Attempts at one event that never finished, as `eventfold status` shows them. */
export interface CrashView {
  readonly position: number;
  readonly unfinishedAttempts: number;
  /** The subscriber gave up on the event and halts on it at every start. */
  readonly gaveUp: boolean;
}

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
  /** An event whose attempts the process never finished, when the last process left one. */
  readonly crash: CrashView | null;
  /** PostgreSQL: it has finished every readable event and waits for the report's `stall` to end. */
  readonly stalled: boolean;
}

/** The head of the log and the state of every subscriber, read without starting any. */
export interface StatusReport {
  readonly head: number;
  readonly subscribers: readonly SubscriberStatusView[];
  /** PostgreSQL: committed events held back by a transaction left open on the server, if any. */
  readonly stall: HorizonStall | null;
}

/**
 * Reads the status through {@link SubscriberOperations}: every subscriber that ever ran, plus
 * those of the config that never did, sorted by name.
 *
 * @example
 * ```ts
 * const { head, subscribers } = await readStatus(store, []);
 * ```
 */
export async function readStatus(store: EventStore, configured: readonly ConfiguredSubscriber[]): Promise<StatusReport> {
  const { head, subscribers, stall } = await new SubscriberOperations(store).status();
  const views = subscribers.map(viewOf);
  // A subscriber split into segments shows as its segments, e.g. open-orders[1/2].
  const known = new Set(views.map((view) => parseSegmentName(view.name)?.subscriber ?? view.name));
  for (const subscriber of configured) {
    if (known.has(subscriber.name)) continue;
    known.add(subscriber.name);
    views.push({
      name: subscriber.name,
      kind: subscriber.kind,
      state: 'not started',
      checkpoint: 0,
      lag: head,
      deadLetters: 0,
      heldBy: null,
      reason: null,
      crash: null,
      stalled: false,
    });
  }
  return { head, subscribers: views.sort((a, b) => a.name.localeCompare(b.name)), stall };
}

function viewOf(entry: SubscriberStatusEntry): SubscriberStatusView {
  return {
    name: entry.name,
    kind: entry.kind,
    state: entry.state,
    checkpoint: entry.checkpoint,
    lag: entry.lag,
    deadLetters: entry.deadLetters,
    heldBy: entry.leaseHolder,
    reason: entry.haltedReason ?? (entry.endedWithoutStopping ? 'its last process ended without stopping it (it crashed or was killed)' : null),
    crash: entry.crash && { position: entry.crash.position, unfinishedAttempts: entry.crash.unfinishedAttempts, gaveUp: entry.crash.gaveUp },
    stalled: entry.stalled,
  };
}
