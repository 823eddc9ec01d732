import { expect } from 'chai';
import { sql, type Kysely } from 'kysely';
import type { EventStore } from '../../../lib';
import { DeadlineDelivery } from '../../../lib/process-managers/deadlines/deadline-delivery';
import type { DeadlineDeliveryOptions } from '../../../lib/process-managers/deadlines/deadline-delivery-options';
import type { DeadlineReceiver, DeliverDeadline } from '../../../lib/process-managers/deadlines/deadline-attempt';
import { scheduleDeadline } from '../../../lib/process-managers/deadlines/deadline-table';
import { retryPolicyOf, type RetryOptions } from '../../../lib/subscriptions/retry-policy';

/** The process manager the specs schedule deadlines for. */
export const EXPIRY = 'order-expiry';

/** What a delivery did, as the row its `deliver` wrote in the delivery's transaction. */
export interface Effect {
  readonly deadlineId: string;
  readonly instanceKey: string;
  readonly name: string;
  readonly payload: unknown;
  /** Who delivered it: the spec, or a child process by name. */
  readonly deliveredBy: string;
  /** The delivery's clock when it delivered. */
  readonly deliveredAt: number;
  /** The due time it was delivered for. */
  readonly dueAt: number;
}

/** Creates the table the specs' deliveries write their effects to. */
export async function createEffectsTable(db: Kysely<unknown>): Promise<void> {
  await sql`create table if not exists deadline_effects (
    deadline_id text not null, instance_key text not null, name text not null, payload text not null,
    delivered_by text not null, delivered_at bigint not null, due_at bigint not null, seq integer not null)`.execute(db);
}

let sequence = 0;

/** A `deliver` that writes an effect row in the delivery's transaction, then runs `then` (to fail, or wait). */
export function recordEffect(deliveredBy: string, now: () => number = Date.now, then?: DeliverDeadline): DeliverDeadline {
  return async (trx, due, signal) => {
    await sql`insert into deadline_effects values (${due.id}, ${due.instanceKey}, ${due.name}, ${JSON.stringify(due.payload)},
      ${deliveredBy}, ${now()}, ${due.dueAt.getTime()}, ${++sequence})`.execute(trx);
    await then?.(trx, due, signal);
  };
}

/** The effects written, in the order they were written by this process. */
export async function readEffects(db: Kysely<unknown>): Promise<Effect[]> {
  const { rows } = await sql<Record<string, string | number>>`select * from deadline_effects order by seq`.execute(db);
  return rows.map((row) => ({
    deadlineId: String(row.deadline_id),
    instanceKey: String(row.instance_key),
    name: String(row.name),
    payload: JSON.parse(String(row.payload)),
    deliveredBy: String(row.delivered_by),
    deliveredAt: Number(row.delivered_at),
    dueAt: Number(row.due_at),
  }));
}

/** A receiver of {@link EXPIRY}'s deadlines with a retry policy for specs: no jitter, short delays. */
export function receiver(deliver: DeliverDeadline, retry: RetryOptions = {}): DeadlineReceiver {
  return { deliver, retry: retryPolicyOf({ initialDelayMs: 100, factor: 2, maxAttempts: 3, jitter: 0, ...retry }, EXPIRY) };
}

/** A clock that moves only when a spec sets it. */
export class FakeClock {
  constructor(public nowMs: number) {}
  readonly now = (): number => this.nowMs;
}

/** Schedules deadline `name` of {@link EXPIRY} instance `key`, due at `dueAt`, in its own write. */
export function schedule(store: EventStore, key: string, dueAt: number, payload: unknown = { key }, name = 'expire', now = new Date()): Promise<string> {
  return store.eventfoldTransaction((trx) => scheduleDeadline(trx, { processManager: EXPIRY, instanceKey: key, name, dueAt, payload, now }));
}

/**
 * Deliveries started by a spec, stopped after each spec of the `describe` this is called in. Those
 * given no `onError` of their own fail the spec when they report an error.
 */
export function deliveriesStoppedAfterEach(): (
  store: EventStore,
  options: Partial<DeadlineDeliveryOptions> & Pick<DeadlineDeliveryOptions, 'processManagers'>,
) => DeadlineDelivery {
  const started: DeadlineDelivery[] = [];
  const unexpected: unknown[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((delivery) => delivery.stop()));
    expect(unexpected.splice(0), 'errors the deliveries reported').to.deep.equal([]);
  });
  return (store, options) => {
    const delivery = new DeadlineDelivery({
      backend: store.backend,
      pollIntervalMs: 60_000,
      onError: (error) => unexpected.push(error),
      ...options,
    });
    started.push(delivery);
    return delivery;
  };
}
