import { ProcessManagerReplayError } from '../../process-managers/process-manager-errors';
import type { EventStore } from '../../event-store/event-store';
import { countEventsBetween } from '../../store/positions-in-time';
import type { DeadLetterStore } from '../dead-letter-store';
import { parseSegmentName } from '../segments/segments';
import { checkpointBefore } from '../start-checkpoint';
import type { StartPosition } from '../start-position';
import type { SavedSubscription, SubscriptionStore } from '../subscription-store';
import { OperationLeaseLost } from './operation-interruptions';
import { withOperationLease } from './operation-lease';
import { ProjectionResetError } from './projection-reset-error';
import { storedNamesOf } from './stored-subscriber-names';
import { SubscriberBusyError } from './subscriber-busy-error';

/** How a reset moves one stored checkpoint (one segment's, for a subscriber split into segments). */
export interface CheckpointMove {
  /** The stored name: the subscriber's, or its segment's. */
  readonly subscriber: string;
  /** The checkpoint before the reset: every event up to this position was finished. */
  readonly from: number;
  /** The checkpoint after it: the next start receives the events after this position. */
  readonly to: number;
  /**
   * Events of the log between the two checkpoints: delivered again when `to` is below `from`
   * (those of the subscriber's event classes, and of its segment's streams), passed over when it
   * is above.
   */
  readonly events: number;
}

/** What a reset of a handler changes (or, from `planReset`, would change). */
export interface SubscriberReset {
  /** The name the reset was asked for. */
  readonly subscriber: string;
  /** Where the handler starts again. */
  readonly to: StartPosition;
  /** Each stored checkpoint moved, in name order. */
  readonly checkpoints: readonly CheckpointMove[];
  /**
   * Dead letters removed because their events are delivered again (those after the new
   * checkpoint): an event that fails again gets a new one. Dead letters of events before the new
   * checkpoint stay, to retry or discard.
   */
  readonly deadLettersRemoved: number;
}

/** What a reset works with. */
export interface ResetEnvironment {
  readonly store: EventStore;
  readonly subscriptions: SubscriptionStore;
  readonly letters: DeadLetterStore;
  readonly leaseMs: number;
}

/**
 * What resetting `subscriber` to `to` would change now, without changing anything.
 *
 * @throws {@link UnknownSubscriberError}, {@link ProjectionResetError}, and
 *   {@link SubscriberBusyError} while a process runs the subscriber.
 */
export async function planReset(env: ResetEnvironment, subscriber: string, to: StartPosition): Promise<SubscriberReset> {
  const rows = await handlerRows(env.subscriptions, subscriber);
  const [live] = await env.subscriptions.liveLeases(rows.map((row) => row.name));
  if (live) {
    const expires = rows.find((row) => row.name === live.name)?.leaseExpiresAt ?? null;
    throw new SubscriberBusyError(live.name, `reset '${subscriber}'`, live.owner, expires === null ? null : new Date(expires));
  }
  return movesOf(env, subscriber, rows, to);
}

/**
 * Moves the checkpoints of the handler `subscriber` (every segment's, for its name when it is
 * split) to `to`, under their leases, in one transaction: the next dispatcher that starts it
 * receives the events after the new checkpoint. What it had finished beyond the checkpoint, the
 * attempts it left unfinished and a halt are forgotten, and the dead letters of events it is to
 * receive again are removed; it is left `'stopped'`.
 *
 * @throws {@link UnknownSubscriberError}, {@link ProjectionResetError}, and
 *   {@link SubscriberBusyError} while a process runs the subscriber (holds a lease).
 */
export async function resetSubscriber(env: ResetEnvironment, subscriber: string, to: StartPosition): Promise<SubscriberReset> {
  const { store, subscriptions, letters } = env;
  const names = (await handlerRows(subscriptions, subscriber)).map((row) => row.name);
  return withOperationLease(subscriptions, names, `reset '${subscriber}'`, env.leaseMs, async (owner) => {
    // Read again under the leases: a process that ran the subscriber until now has saved its checkpoint.
    const rows = (await subscriptions.list()).filter((row) => names.includes(row.name));
    const plan = await movesOf(env, subscriber, rows, to);
    const target = plan.checkpoints[0]?.to ?? 0;
    const deadLettersRemoved = await store.eventfoldTransaction(async (db) => {
      for (const name of names) {
        // Checked inside the transaction, which locks the row: the lease cannot change hands before it commits.
        if (!(await subscriptions.holdsLease(db, name, owner))) throw new OperationLeaseLost(name);
        await subscriptions.resetCheckpoint(db, name, target);
        await subscriptions.setStatus(name, 'stopped', null, { owner, db });
      }
      return letters.removeAfter(db, names, target);
    });
    return { ...plan, deadLettersRemoved };
  });
}

/** The stored rows `subscriber` stands for, refusing a projection. */
async function handlerRows(subscriptions: SubscriptionStore, subscriber: string): Promise<SavedSubscription[]> {
  const saved = await subscriptions.list();
  const names = storedNamesOf(
    subscriber,
    saved.map((row) => row.name),
  );
  const rows = saved.filter((row) => names.includes(row.name));
  if (rows.some((row) => row.kind === 'projection')) throw new ProjectionResetError(parseSegmentName(subscriber)?.subscriber ?? subscriber);
  if (rows.some((row) => row.kind === 'process-manager')) throw new ProcessManagerReplayError(subscriber, 'reset');
  return rows;
}

async function movesOf(env: ResetEnvironment, subscriber: string, rows: readonly SavedSubscription[], to: StartPosition): Promise<SubscriberReset> {
  const { store, letters } = env;
  const target = await checkpointBefore(store, to);
  const checkpoints = await Promise.all(
    rows.map(async (row) => ({
      subscriber: row.name,
      from: row.position,
      to: target,
      events: await countEventsBetween(store, Math.min(row.position, target), Math.max(row.position, target)),
    })),
  );
  const names = rows.map((row) => row.name);
  const deadLettersRemoved = (await letters.list(names)).filter((letter) => letter.position > target).length;
  return { subscriber, to, checkpoints, deadLettersRemoved };
}
