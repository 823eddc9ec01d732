import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Dispatcher, EventStore, type StreamRef } from '../../lib';
import { OrderFilled, OrderPlaced, orderEvent } from '../bench-domain';
import { createReadModels, OrderStatusFold, OrderStatusProjection } from '../order-projections';
import { READ_MODEL_DDL } from '../order-read-models';
import { startClock, throughput } from '../timing';
import type { Measurement } from '../workload';
import type { PostgresRun, PostgresWorkload } from './postgres-run';
import { appendRaw, insertEventsSql, rawTape, withRawLog } from './raw-postgres-log';

const BATCH_SIZE = 1000;
const STREAMS = 4;
const WARM_UP_BATCHES = 2;
const NODES = 3;
const PROJECTION = 'order-status';
const FOLD_PROJECTION = 'order-status-fold';

const batchCount = (quick: boolean) => (quick ? 6 : 30);

/** Batches go round a few books, as on SQLite. */
export function streamOfBatch(batch: number): StreamRef {
  return { type: 'MarketBook', id: `book-${batch % STREAMS}` };
}

/** The `batch`-th thousand events of the tape. */
export function batchOfTape(batch: number): Array<OrderPlaced | OrderFilled> {
  return Array.from({ length: BATCH_SIZE }, (_, offset) => orderEvent(batch * BATCH_SIZE + offset));
}

/** A fingerprint of the order_status read model, equal on both sides when they wrote the same rows. */
const CHECKSUM_SQL =
  "select count(*) || ':' || sum(case when status = 'open' then 1 else 0 end) || ':' || round(sum(filled_volume::float8)::numeric, 4) as sum from order_status";

function openStore(run: PostgresRun, poolSize: number): Promise<EventStore> {
  return EventStore.open({ postgres: run.url, schema: run.schema, poolSize, events: [OrderPlaced, OrderFilled] });
}

async function readModelChecksum(store: EventStore): Promise<string> {
  const { rows } = await sql.raw<{ sum: string }>(CHECKSUM_SQL).execute(store.db);
  return `order_status ${rows[0]?.sum}`;
}

/** Resolves once the projection's stored checkpoint has reached the log's head. */
async function projectionCaughtUp(store: EventStore, projection = PROJECTION): Promise<number> {
  const head = await store.headPosition();
  for (;;) {
    const row = await store.db.selectFrom('eventfold_subscriptions').select('position').where('name', '=', projection).executeTakeFirst();
    if (row && Number(row.position) >= head) return head;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function oneProcess(run: PostgresRun, fold = false): Promise<Measurement> {
  const store = await openStore(run, 4);
  try {
    await createReadModels(store.db, ['order_status']);
    const dispatcher = await Dispatcher.start(store, [fold ? new OrderStatusFold() : new OrderStatusProjection()]);
    let measured: { value: number; detail: string };
    try {
      for (let batch = 0; batch < WARM_UP_BATCHES; batch++) await store.append(streamOfBatch(batch), batchOfTape(batch));
      await dispatcher.idle();
      const batches = batchCount(run.quick);
      const elapsed = startClock();
      for (let batch = WARM_UP_BATCHES; batch < WARM_UP_BATCHES + batches; batch++) await store.append(streamOfBatch(batch), batchOfTape(batch));
      await dispatcher.idle();
      measured = throughput(batches * BATCH_SIZE, elapsed());
      await projectionCaughtUp(store, fold ? FOLD_PROJECTION : PROJECTION);
    } finally {
      await dispatcher.stop();
    }
    return { ...measured, checksum: await readModelChecksum(store) };
  } finally {
    await store.close();
  }
}

/** Upserts of the order_status read model, as the projection's Kysely queries compile on PostgreSQL. */
const UPSERT_PLACED =
  'insert into order_status (order_id, market, side, price, volume, filled_volume, status) values ($1, $2, $3, $4, $5, 0, $6) ' +
  'on conflict (order_id) do update set market = excluded.market, side = excluded.side, price = excluded.price, volume = excluded.volume, status = excluded.status';
const UPSERT_FILLED =
  'insert into order_status (order_id, market, side, price, volume, filled_volume, status) values ($1, $2, $3, $4, $5, $6, $7) ' +
  'on conflict (order_id) do update set filled_volume = order_status.filled_volume + excluded.filled_volume, status = excluded.status';

async function oneProcessRaw(run: PostgresRun): Promise<Measurement> {
  return withRawLog(run, async (client) => {
    await client.query(READ_MODEL_DDL.order_status);
    await client.query('create table raw_checkpoints (name text primary key, position bigint not null)');
    await client.query("insert into raw_checkpoints values ('order_status', 0)");
    const insertSql = insertEventsSql(BATCH_SIZE);
    let checkpoint = 0;
    const appendAndProject = async (batch: number) => {
      const first = batch * BATCH_SIZE;
      const events = rawTape(first, BATCH_SIZE);
      const positions = await appendRaw(client, streamOfBatch(batch), events, insertSql);
      await client.query('begin');
      for (const { type, fields: f } of events) {
        if (type === 'OrderPlaced') await client.query(UPSERT_PLACED, [f.orderId, f.market, f.side, f.price, f.volume, 'open']);
        else await client.query(UPSERT_FILLED, [f.orderId, f.market, f.side, f.price, f.volume, f.volume, 'filled']);
      }
      const to = positions.at(-1);
      if (to === undefined) throw new Error('the batch appended no events');
      const moved = await client.query('update raw_checkpoints set position = $1 where name = $2 and position = $3', [to, 'order_status', checkpoint]);
      if (moved.rowCount !== 1) throw new Error(`the checkpoint is no longer at ${checkpoint}`);
      await client.query('commit');
      checkpoint = to;
    };
    for (let batch = 0; batch < WARM_UP_BATCHES; batch++) await appendAndProject(batch);
    const batches = batchCount(run.quick);
    const elapsed = startClock();
    for (let batch = WARM_UP_BATCHES; batch < WARM_UP_BATCHES + batches; batch++) await appendAndProject(batch);
    const measured = throughput(batches * BATCH_SIZE, elapsed());
    const { rows } = await client.query<{ sum: string }>(CHECKSUM_SQL);
    return { ...measured, checksum: `order_status ${rows[0]?.sum}` };
  });
}

interface NodeProcess {
  readonly child: ChildProcess;
  next<T>(key: string): Promise<T>;
}

function forkNode(run: PostgresRun): NodeProcess {
  const child = fork(join(__dirname, 'projection-node.js'), [run.url, run.schema], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`a node exited with code ${code}`))));
  exited.catch(() => undefined);
  return {
    child,
    next: <T>(key: string) =>
      Promise.race([
        new Promise<T>((resolve) => {
          const listen = (message: Record<string, T>) => {
            if (!(key in message)) return;
            child.off('message', listen);
            resolve(message[key] as T); // key in message
          };
          child.on('message', listen);
        }),
        exited,
      ]),
  };
}

/**
 * Three processes append at once to the same streams while one of them (the lease holder) runs
 * the projection; timed from "go" until the projection's checkpoint has committed the last event.
 */
async function threeProcesses(run: PostgresRun): Promise<Measurement> {
  const store = await openStore(run, 2);
  const nodes: NodeProcess[] = [];
  try {
    await createReadModels(store.db, ['order_status']);
    for (let batch = 0; batch < WARM_UP_BATCHES; batch++) await store.append(streamOfBatch(batch), batchOfTape(batch));
    for (let node = 0; node < NODES; node++) nodes.push(forkNode(run));
    await Promise.all(nodes.map((node) => node.next('ready')));
    await projectionCaughtUp(store);
    const batches = batchCount(run.quick);
    const shares = nodes.map((_, node) => Array.from({ length: batches / NODES }, (_, n) => WARM_UP_BATCHES + n * NODES + node));
    const elapsed = startClock();
    const appended = nodes.map((node) => node.next('appended'));
    nodes.forEach((node, index) => node.child.send({ go: shares[index] }));
    await Promise.all(appended);
    const head = await projectionCaughtUp(store);
    const measured = throughput(batches * BATCH_SIZE, elapsed());
    if (head !== (WARM_UP_BATCHES + batches) * BATCH_SIZE) throw new Error(`the log ends at ${head}, expected ${(WARM_UP_BATCHES + batches) * BATCH_SIZE}`);
    const rss = await Promise.all(
      nodes.map((node) => {
        const stopped = node.next<number>('stopped');
        node.child.send({ stop: true });
        return stopped;
      }),
    );
    return {
      value: measured.value,
      detail: `${measured.detail}, nodes peak at ${Math.round(Math.max(...rss) / 1024)} MB`,
      childPeakRssKb: Math.max(...rss),
      checksum: await readModelChecksum(store),
    };
  } finally {
    for (const node of nodes) if (node.child.exitCode === null) node.child.kill();
    await store.close();
  }
}

function label(processes: number) {
  return (quick: boolean) => `append ${batchCount(quick)} x ${BATCH_SIZE.toLocaleString('en-US')} -> 1 projection, ${processes} process${processes === 1 ? '' : 'es'}`;
}

/** End to end to one projection, appends and projection in one process. */
export const postgresProjectionOneProcess: PostgresWorkload = {
  name: 'pg-projection-e2e-1',
  label: label(1),
  unit: 'events/s',
  note: () =>
    `appends to ${STREAMS} streams with the order-status @Projection in the same process, timed until dispatcher.idle() resolves, after ` +
    `${WARM_UP_BATCHES} warm-up batches; raw: the pg-batched-append transaction, then one transaction of per-event upserts and a checkpoint UPDATE, per batch`,
  eventfold: (run) => oneProcess(run),
  raw: oneProcessRaw,
};

/** End to end to the order-status read model as a fold projection: one multi-row upsert per batch. */
export const postgresFoldProjectionOneProcess: PostgresWorkload = {
  name: 'pg-projection-e2e-fold',
  label: (quick) => `${label(1)(quick)}, fold`,
  unit: 'events/s',
  note: () =>
    `as pg-projection-e2e-1, but the read model is a @FoldProjection with the default settings (per batch one select of its rows and ` +
    'one multi-row upsert); raw: the same as pg-projection-e2e-1, an upsert per event',
  eventfold: (run) => oneProcess(run, true),
  raw: oneProcessRaw,
};

/** End to end to one projection with three application processes appending at once. */
export const postgresProjectionThreeProcesses: PostgresWorkload = {
  name: 'pg-projection-e2e-3',
  label: label(NODES),
  unit: 'events/s',
  note: () =>
    `${NODES} processes each append a third of the batches to the same ${STREAMS} streams at once, all running the projection, which ` +
    "one of them holds the lease of; timed from the start signal until the projection's stored checkpoint reaches the head. " +
    'No raw counterpart: compare with the 1-process row',
  eventfold: threeProcesses,
};
