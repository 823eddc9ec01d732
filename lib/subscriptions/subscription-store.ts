import { sql, type Kysely, type RawBuilder } from 'kysely';
import { SUBSCRIBER_MEMBERS_TABLE, SUBSCRIPTIONS_TABLE, type EventfoldTables } from '../store/schema';
import type { StoreBackend } from '../store/backend/store-backend';
import { CheckpointTracker } from './checkpoint-tracker';

/**
 * What a subscriber announced it was about to attempt, as stored with its checkpoint. A record
 * still there when the subscriber starts, with positions in it unfinished, means the process
 * that wrote it stopped while working on them: a crash, a kill, an exit from a library.
 */
export interface InFlightRecord {
  /** First position of the attempt. */
  readonly from: number;
  /** Last position of the attempt; equal to `from` when one event is attempted alone. */
  readonly to: number;
  /** Attempts at these positions that never finished, before the one this record announces. */
  readonly crashes: number;
  /** After a crash, positions up to here are attempted one at a time (0: none). */
  readonly carefulUntil: number;
  /** Unfinished attempts counted for every event up to `carefulUntil`. */
  readonly carefulCrashes: number;
  /** When the crashed attempt counted for every event up to `carefulUntil` started (ISO 8601). */
  readonly carefulSince?: string;
  /** When the first of the unfinished attempts started (ISO 8601). */
  readonly firstAt: string;
  /** When this attempt started (ISO 8601). */
  readonly lastAt: string;
  /**
   * The event at `from` stopped the process `crashes` times and the subscriber halted on it: it
   * is not attempted again by itself, only when an operator resumes or retries it.
   */
  readonly gaveUp?: boolean;
}

/** Whether a subscriber is working, or why not. */
export type SubscriberStatus = 'running' | 'halted' | 'stopped';

/** The durable state of one subscriber. */
export interface SavedSubscription {
  readonly name: string;
  readonly kind: string;
  readonly position: number;
  readonly ahead: number[];
  readonly status: SubscriberStatus;
  readonly statusReason: string | null;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: number | null;
  /** What the subscriber announced it was attempting, if anything is in flight. */
  readonly inFlight: InFlightRecord | null;
}

/**
 * Reads and writes subscriber checkpoints and leases. A lease says which process runs a
 * subscriber; checkpoint writes name the owner, so a process that lost its lease (it stalled
 * past the expiry and another took over) can no longer move the checkpoint.
 */
export class SubscriptionStore {
  private readonly db: Kysely<EventfoldTables>;

  constructor(
    /**
     * The store's database, and the clock its leases are measured with: where processes on
     * different machines share leases (PostgreSQL), their clocks may differ, and the backend
     * reads the database server's, the one clock they all share.
     */
    private readonly backend: Pick<StoreBackend, 'db' | 'leaseClock'>,
  ) {
    this.db = backend.db;
  }

  /** Milliseconds since 1970 by the clock leases are measured with. */
  private leaseClock(): RawBuilder<number> {
    return this.backend.leaseClock();
  }

  async load(name: string): Promise<SavedSubscription | undefined> {
    const row = await this.db.selectFrom(SUBSCRIPTIONS_TABLE).selectAll().where('name', '=', name).executeTakeFirst();
    return row && toSaved(row);
  }

  async list(): Promise<SavedSubscription[]> {
    const rows = await this.db.selectFrom(SUBSCRIPTIONS_TABLE).selectAll().orderBy('name').execute();
    return rows.map(toSaved);
  }

  /** Creates the subscriber's row at `position` unless it exists, inside the caller's transaction when `db` is one. */
  async ensure(name: string, kind: string, position: number, db: Kysely<EventfoldTables> = this.db): Promise<void> {
    await db
      .insertInto(SUBSCRIPTIONS_TABLE)
      .values({
        name,
        kind,
        position,
        ahead: '[]',
        status: 'stopped',
        status_reason: null,
        lease_owner: null,
        lease_expires_at: null,
        updated_at: now(),
        in_flight: null,
      })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .execute();
  }

  /** Takes or renews the lease if it is free, expired or already ours. */
  async acquireLease(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.leaseClock();
    const result = await this.db
      .updateTable(SUBSCRIPTIONS_TABLE)
      .set({ lease_owner: owner, lease_expires_at: sql<number>`${now} + ${ttlMs}` })
      .where('name', '=', name)
      .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', owner), eb('lease_expires_at', '<', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Deletes the rows of `names`, inside the caller's transaction. */
  async remove(db: Kysely<EventfoldTables>, names: readonly string[]): Promise<void> {
    if (names.length > 0) await db.deleteFrom(SUBSCRIPTIONS_TABLE).where('name', 'in', names).execute();
  }

  /** Of `names`, those whose lease some process holds now, with the holder. */
  async liveLeases(names: readonly string[]): Promise<Array<{ name: string; owner: string }>> {
    if (names.length === 0) return [];
    const rows = await this.db
      .selectFrom(SUBSCRIPTIONS_TABLE)
      .select(['name', 'lease_owner'])
      .where('name', 'in', names)
      .where('lease_owner', 'is not', null)
      .where('lease_expires_at', '>=', this.leaseClock())
      .execute();
    return rows.map((row) => ({ name: row.name, owner: row.lease_owner as string }));
  }

  /**
   * Announces that `owner` runs `subscriber` (split into segments) for the next `ttlMs`, and
   * returns how many processes announced so and have not lapsed, this one included.
   */
  async renewMembership(subscriber: string, owner: string, ttlMs: number): Promise<number> {
    const now = this.leaseClock();
    await this.db
      .insertInto(SUBSCRIBER_MEMBERS_TABLE)
      .values({ subscriber, owner, expires_at: sql<number>`${now} + ${ttlMs}` })
      .onConflict((conflict) => conflict.columns(['subscriber', 'owner']).doUpdateSet({ expires_at: sql<number>`${now} + ${ttlMs}` }))
      .execute();
    // Announcements of processes that ended without withdrawing them.
    await this.db.deleteFrom(SUBSCRIBER_MEMBERS_TABLE).where('subscriber', '=', subscriber).where('expires_at', '<', now).execute();
    const row = await this.db
      .selectFrom(SUBSCRIBER_MEMBERS_TABLE)
      .select((eb) => eb.fn.countAll<number>().as('members'))
      .where('subscriber', '=', subscriber)
      .where('expires_at', '>=', now)
      .executeTakeFirst();
    return Number(row?.members ?? 1);
  }

  /** Withdraws `owner`'s announcement, so that the others take its share at once. */
  async leaveMembership(subscriber: string, owner: string): Promise<void> {
    await this.db.deleteFrom(SUBSCRIBER_MEMBERS_TABLE).where('subscriber', '=', subscriber).where('owner', '=', owner).execute();
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.db.updateTable(SUBSCRIPTIONS_TABLE).set({ lease_owner: null, lease_expires_at: null }).where('name', '=', name).where('lease_owner', '=', owner).execute();
  }

  /**
   * Moves the checkpoint from `from` to `to`, inside the caller's transaction when `db` is one.
   * Returns false, and writes nothing, when `owner` no longer holds the lease or the stored
   * checkpoint is no longer `from` (someone else moved it): the caller's view is stale.
   */
  async saveCheckpoint(db: Kysely<EventfoldTables>, name: string, owner: string, from: number, to: number, ahead: readonly number[]): Promise<boolean> {
    const result = await db
      .updateTable(SUBSCRIPTIONS_TABLE)
      .set({ position: to, ahead: JSON.stringify(ahead), updated_at: now() })
      .where('name', '=', name)
      .where('lease_owner', '=', owner)
      .where('position', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Records what the subscriber is about to attempt (null: nothing). Returns false, and writes
   * nothing, when `owner` no longer holds the lease.
   */
  async saveInFlight(name: string, owner: string, record: InFlightRecord | null): Promise<boolean> {
    const result = await this.db
      .updateTable(SUBSCRIPTIONS_TABLE)
      .set({ in_flight: record && JSON.stringify(record) })
      .where('name', '=', name)
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Resets a subscriber to `position` with nothing ahead (a rebuild), inside the caller's transaction. */
  async resetCheckpoint(db: Kysely<EventfoldTables>, name: string, position: number): Promise<void> {
    await db.updateTable(SUBSCRIPTIONS_TABLE).set({ position, ahead: '[]', in_flight: null, updated_at: now() }).where('name', '=', name).execute();
  }

  /**
   * Whether `owner` holds the lease, checked inside `db`, the caller's transaction: the row is
   * written (and so locked) by the check, so the lease cannot change hands before it commits.
   */
  async holdsLease(db: Kysely<EventfoldTables>, name: string, owner: string): Promise<boolean> {
    const result = await db.updateTable(SUBSCRIPTIONS_TABLE).set({ updated_at: now() }).where('name', '=', name).where('lease_owner', '=', owner).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Records whether the subscriber runs, halted or stopped. With `guard`, only while `guard.owner`
   * holds the lease (inside `guard.db`, a transaction, when given): a process that lost its lease
   * must not overwrite what the new holder recorded. Returns whether it wrote.
   */
  async setStatus(
    name: string,
    status: SubscriberStatus,
    reason: string | null = null,
    guard?: { readonly owner: string; readonly db?: Kysely<EventfoldTables> },
  ): Promise<boolean> {
    let query = (guard?.db ?? this.db).updateTable(SUBSCRIPTIONS_TABLE).set({ status, status_reason: reason, updated_at: now() }).where('name', '=', name);
    if (guard) query = query.where('lease_owner', '=', guard.owner);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Marks `position` finished for a subscriber that no runner is working on (an operator retried
   * or discarded the event it halted on), inside the caller's transaction, and sets its status.
   * The checkpoint moves to the position when it is the next one, taking in the finished
   * positions saved ahead of it; otherwise the position joins `ahead`, as a runner's
   * {@link CheckpointTracker} would do. An in-flight record of that one event goes with it: its
   * unfinished attempts are settled. Returns false, and writes nothing, when `owner` does not
   * hold the lease (another process took the subscriber over meanwhile).
   */
  async finishHaltedEvent(db: Kysely<EventfoldTables>, name: string, owner: string, position: number, status: SubscriberStatus, reason: string | null): Promise<boolean> {
    const row = await db.selectFrom(SUBSCRIPTIONS_TABLE).selectAll().where('name', '=', name).executeTakeFirst();
    if (!row || row.lease_owner !== owner) return false;
    const saved = toSaved(row);
    const tracker = new CheckpointTracker(saved.position, saved.ahead);
    if (!tracker.isFinished(position)) tracker.finish(position);
    const namesIt = saved.inFlight !== null && saved.inFlight.from === position && saved.inFlight.to === position;
    const result = await db
      .updateTable(SUBSCRIPTIONS_TABLE)
      .set({
        position: tracker.checkpoint,
        ahead: JSON.stringify(tracker.ahead),
        status,
        status_reason: reason,
        ...(namesIt ? { in_flight: null } : {}),
        updated_at: now(),
      })
      .where('name', '=', name)
      .where('lease_owner', '=', owner)
      .where('position', '=', saved.position)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

function toSaved(row: EventfoldTables[typeof SUBSCRIPTIONS_TABLE]): SavedSubscription {
  return {
    name: row.name,
    kind: row.kind,
    position: Number(row.position),
    ahead: JSON.parse(row.ahead) as number[],
    status: row.status as SubscriberStatus,
    statusReason: row.status_reason,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at === null ? null : Number(row.lease_expires_at),
    inFlight: row.in_flight ? (JSON.parse(row.in_flight) as InFlightRecord) : null,
  };
}

function now(): string {
  return new Date().toISOString();
}
