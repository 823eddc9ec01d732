/**
 * How fast due deadlines are delivered, and how late: `npm run build:spec && node
 * build/bench/deadline-delivery.js [count]` (PostgreSQL too when EVENTFOLD_POSTGRES_URL is set).
 *
 * - throughput: `count` deadlines (10,000 by default), all due, delivered by one process, each
 *   writing one effect row in its transaction: deadlines per second.
 * - lateness: with `count` deadlines pending an hour away, 200 deadlines due 10 ms apart, the
 *   first announced with `wake` once scheduled: how long after its due time each was delivered.
 *
 * PER_TRANSACTION=n sets `deadlinesPerTransaction` (its default otherwise).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { EventStore } from '../lib';
import { DeadlineDelivery } from '../lib/process-managers/deadlines/deadline-delivery';
import { scheduleDeadline } from '../lib/process-managers/deadlines/deadline-table';
import { DEADLINES_TABLE } from '../lib/store/schema';
import { retryPolicyOf } from '../lib/subscriptions/retry-policy';
import { createScratchFolder } from './scratch-folder';

const PROCESS_MANAGER = 'order-expiry';

async function insertPending(store: EventStore, count: number, dueAt: (index: number) => number): Promise<void> {
  const scheduledAt = new Date().toISOString();
  for (let start = 0; start < count; start += 500) {
    const rows = Array.from({ length: Math.min(500, count - start) }, (_, offset) => ({
      id: randomUUID(),
      process_manager: PROCESS_MANAGER,
      instance_key: `o-${start + offset}`,
      name: 'expire',
      due_at: dueAt(start + offset),
      payload: '{"market":"KRW-BTC"}',
      scheduled_at: scheduledAt,
      attempts: 0,
      status: 'pending',
      last_error: null,
    }));
    await store.eventfoldDb.insertInto(DEADLINES_TABLE).values(rows).execute();
  }
}

function deliveryOf(store: EventStore, onDelivered: (dueAtMs: number) => void): DeadlineDelivery {
  return new DeadlineDelivery({
    ...(process.env.PER_TRANSACTION ? { deadlinesPerTransaction: Number(process.env.PER_TRANSACTION) } : {}),
    backend: store.backend,
    processManagers: new Map([
      [
        PROCESS_MANAGER,
        {
          retry: retryPolicyOf({}, PROCESS_MANAGER),
          deliver: async (trx, due) => {
            await sql`insert into bench_effects values (${due.id}, ${due.instanceKey})`.execute(trx);
            onDelivered(due.dueAt.getTime());
          },
        },
      ],
    ]),
    pollIntervalMs: 1000,
    onError: (error) => console.error(error),
  });
}

async function throughput(store: EventStore, count: number): Promise<string> {
  await insertPending(store, count, (index) => Date.now() - 60_000 + index);
  let delivered = 0;
  let allDelivered!: () => void;
  const done = new Promise<void>((resolve) => (allDelivered = resolve));
  const delivery = deliveryOf(store, () => ++delivered === count && allDelivered());
  const started = performance.now();
  delivery.start();
  await done;
  const seconds = (performance.now() - started) / 1000;
  await delivery.stop();
  return `${count} due deadlines delivered in ${seconds.toFixed(2)} s: ${Math.round(count / seconds)}/s`;
}

async function lateness(store: EventStore, count: number): Promise<string> {
  await insertPending(store, count, () => Date.now() + 3_600_000);
  const late: number[] = [];
  const delivery = deliveryOf(store, (dueAtMs) => late.push(Date.now() - dueAtMs));
  delivery.start();
  const first = Date.now() + 500;
  await store.eventfoldTransaction(async (trx) => {
    for (let index = 0; index < 200; index++) {
      await scheduleDeadline(trx, { processManager: PROCESS_MANAGER, instanceKey: `soon-${index}`, name: 'expire', dueAt: first + index * 10, now: new Date() });
    }
  });
  delivery.wake(first);
  while (late.length < 200) await new Promise((resolve) => setTimeout(resolve, 20));
  await delivery.stop();
  late.sort((a, b) => a - b);
  const at = (share: number) => late[Math.min(late.length - 1, Math.floor(share * late.length))];
  return `with ${count} pending: delivered after due time by p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${late[late.length - 1]} ms`;
}

async function bench(name: string, open: () => Promise<EventStore>, count: number): Promise<void> {
  for (const measure of [throughput, lateness]) {
    const store = await open();
    try {
      await sql`create table bench_effects (deadline_id text not null, instance_key text not null)`.execute(store.db);
      console.log(`${name}: ${await measure(store, count)}`);
    } finally {
      await store.close();
    }
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 10_000);
  const scratch = createScratchFolder();
  try {
    let trial = 0;
    await bench('SQLite', () => EventStore.open({ sqlite: scratch.file(`deadlines-${++trial}.db`) }), count);
    const url = process.env.EVENTFOLD_POSTGRES_URL;
    if (url) {
      const schemas: string[] = [];
      await bench(
        'PostgreSQL',
        () => {
          schemas.push(`bench_deadlines_${process.pid}_${schemas.length}`);
          return EventStore.open({ postgres: url, schema: schemas[schemas.length - 1] });
        },
        count,
      );
      const cleanup = await EventStore.open({ postgres: url });
      for (const schema of schemas) await sql`drop schema ${sql.id(schema)} cascade`.execute(cleanup.db);
      await cleanup.close();
    }
  } finally {
    scratch.remove();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
