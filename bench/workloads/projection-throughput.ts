import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { Kysely, SqliteDialect } from 'kysely';
import { DEFAULT_PROJECTION_BATCH_SIZE, Dispatcher, EventStore, type StreamRef } from '../../lib';
import { OrderFilled, OrderPlaced, orderEvent, orderEventType, orderFields } from '../bench-domain';
import { startEventLoopDelayMonitor, type EventLoopDelay } from '../event-loop-delay';
import { OrderStatusFold, OrderStatusSqlProjection, ORDER_PROJECTIONS, createReadModels, upsertFilledOrder, upsertPlacedOrder } from '../order-projections';
import { readModelChecksum, type OrderReadModels, type ReadModelTable } from '../order-read-models';
import { openRawEventLog, prepareRawStatements } from '../raw-event-log';
import { prepareRawProjection, type RawProjectedEvent } from '../raw-order-projections';
import { startClock, throughput } from '../timing';
import type { Measurement, Workload, WorkloadRun } from '../workload';

const BATCH_SIZE = 1000;
const STREAMS = 4;
const WARM_UP_BATCHES = 5;

function batchCount(quick: boolean): number {
  return quick ? 20 : 100;
}

/** Batches go round a few books; the warm-up batches come first on the tape and in the log. */
function streamOfBatch(batch: number): StreamRef {
  return { type: 'MarketBook', id: `book-${batch % STREAMS}` };
}

function tablesOf(projections: number): ReadModelTable[] {
  return ORDER_PROJECTIONS.slice(0, projections).map((projection) => projection.table);
}

/** Reads the read models of a closed database, outside the timed part. */
function checksumOf(file: string, tables: readonly ReadModelTable[], head: number): string {
  const database = new Database(file, { readonly: true });
  try {
    return `${head} events, ${readModelChecksum(database, tables)}`;
  } finally {
    database.close();
  }
}

/** How the eventfold side's projections write: Kysely queries built per event, hand-written SQL, or a fold projection. */
type Writes = 'kysely' | 'sql' | 'fold';

function projectionsFor(writes: Writes, projections: number): object[] {
  if (writes === 'sql') return [new OrderStatusSqlProjection()];
  if (writes === 'fold') return [new OrderStatusFold()];
  return ORDER_PROJECTIONS.slice(0, projections).map(({ projectionClass }) => new projectionClass());
}

async function measureEventfold(run: WorkloadRun, projections: number, writes: Writes = 'kysely'): Promise<Measurement> {
  const store = await EventStore.open({ sqlite: run.file, durability: run.durability, events: [OrderPlaced, OrderFilled] });
  const tables = tablesOf(projections);
  let measured: { value: number; detail: string };
  let eventLoopDelay: EventLoopDelay;
  let head: number;
  try {
    await createReadModels(store.db, tables);
    const dispatcher = await Dispatcher.start(store, projectionsFor(writes, projections));
    try {
      const batchOf = (batch: number) => Array.from({ length: BATCH_SIZE }, (_, offset) => orderEvent(batch * BATCH_SIZE + offset));
      for (let batch = 0; batch < WARM_UP_BATCHES; batch++) await store.append(streamOfBatch(batch), batchOf(batch));
      await dispatcher.idle();
      const batches = batchCount(run.quick);
      const monitor = await startEventLoopDelayMonitor();
      const elapsed = startClock();
      for (let batch = WARM_UP_BATCHES; batch < WARM_UP_BATCHES + batches; batch++) await store.append(streamOfBatch(batch), batchOf(batch));
      await dispatcher.idle();
      measured = throughput(batches * BATCH_SIZE, elapsed());
      eventLoopDelay = await monitor.stop();
      head = await store.headPosition();
      const behind = dispatcher.stats().filter((stats) => stats.checkpoint !== head);
      if (behind.length > 0) {
        const where = behind.map((stats) => `${stats.name} at ${stats.checkpoint} (${stats.state})`).join(', ');
        throw new Error(`idle() resolved with ${where}, the head being ${head}`);
      }
    } finally {
      await dispatcher.stop();
    }
  } finally {
    await store.close();
  }
  return { ...measured, eventLoopDelay, checksum: checksumOf(run.file, tables, head) };
}

/**
 * How the raw side keeps its read models: prepared better-sqlite3 statements, or (order-status
 * only) the projection's own Kysely queries, built per event and run in one transaction per batch.
 */
type RawConsumer = 'prepared' | 'kysely';

async function measureRaw(run: WorkloadRun, projections: number, consumer: RawConsumer = 'prepared'): Promise<Measurement> {
  const database = openRawEventLog(run.file, run.durability);
  const tables = tablesOf(projections);
  let measured: { value: number; detail: string };
  let eventLoopDelay: EventLoopDelay;
  let head = 0;
  try {
    const statements = prepareRawStatements(database);
    const readModels = tables.map((table) => prepareRawProjection(database, table));
    const checkpoints = readModels.map(() => 0);
    const kysely = new Kysely<OrderReadModels & { raw_checkpoints: { name: string; position: number } }>({ dialect: new SqliteDialect({ database }) });
    // The append, as batched-append does it; it returns the events with the positions SQLite gave them.
    const appendBatch = database.transaction((stream: StreamRef, batch: number): RawProjectedEvent[] => {
      const version = statements.streamVersion.get(stream.type, stream.id)?.version ?? 0;
      const recordedAt = new Date().toISOString();
      const events: RawProjectedEvent[] = [];
      for (let offset = 0; offset < BATCH_SIZE; offset++) {
        const index = batch * BATCH_SIZE + offset;
        const fields = orderFields(index);
        const type = orderEventType(index);
        const payload = JSON.stringify(fields);
        const { lastInsertRowid } = statements.insertEvent.run(uuidv7(), stream.type, stream.id, version + offset + 1, type, 1, payload, '{}', recordedAt);
        events.push({ position: Number(lastInsertRowid), type, fields });
      }
      return events;
    });
    // Each read model in a transaction of its own, with its checkpoint, as each projection has.
    const project = readModels.map((readModel, index) =>
      database.transaction((events: readonly RawProjectedEvent[]) => {
        for (const event of events) readModel.apply(event);
        const to = events.at(-1)?.position;
        const from = checkpoints[index];
        if (to === undefined || from === undefined) return;
        readModel.saveCheckpoint(from, to);
        checkpoints[index] = to;
      }),
    );
    // The same read model through the Kysely queries of the @On projection, in one transaction per batch.
    const projectWithKysely = (events: readonly RawProjectedEvent[]) =>
      kysely.transaction().execute(async (trx) => {
        for (const { type, fields } of events) await (type === 'OrderPlaced' ? upsertPlacedOrder(trx as never, fields) : upsertFilledOrder(trx as never, fields));
        const to = events.at(-1)?.position ?? 0;
        const moved = await trx
          .updateTable('raw_checkpoints')
          .set({ position: to })
          .where('name', '=', 'order_status')
          .where('position', '=', checkpoints[0]!)
          .executeTakeFirst();
        if (moved.numUpdatedRows !== 1n) throw new Error('the checkpoint of order_status moved');
        checkpoints[0] = to;
      });
    const appendAndProject = async (batch: number) => {
      const events = appendBatch.immediate(streamOfBatch(batch), batch);
      if (consumer === 'kysely') await projectWithKysely(events);
      else for (const projectBatch of project) projectBatch.immediate(events);
      head = events.at(-1)?.position ?? head;
    };
    for (let batch = 0; batch < WARM_UP_BATCHES; batch++) await appendAndProject(batch);
    const batches = batchCount(run.quick);
    const monitor = await startEventLoopDelayMonitor();
    const elapsed = startClock();
    // Synchronous from the first append to the last with prepared statements: the loop stalls for the whole run.
    for (let batch = WARM_UP_BATCHES; batch < WARM_UP_BATCHES + batches; batch++) await appendAndProject(batch);
    measured = throughput(batches * BATCH_SIZE, elapsed());
    eventLoopDelay = await monitor.stop();
  } finally {
    database.close();
  }
  return { ...measured, eventLoopDelay, checksum: checksumOf(run.file, tables, head) };
}

/**
 * Appends of 1000-event batches with a dispatcher in the same process keeping `projections` read
 * models: the time runs from the first append until every projection's checkpoint has committed
 * the last event.
 */
function projectionThroughput(projections: number, trials: number | undefined): Workload {
  const readModels = projections === 1 ? 'projection' : 'projections';
  return {
    name: `projection-e2e-${projections}`,
    label: (quick) => `append ${batchCount(quick)} x ${BATCH_SIZE.toLocaleString('en-US')} -> ${projections} ${readModels}, end to end`,
    unit: 'events/s',
    durabilities: ['normal'],
    note: () =>
      `appends to ${STREAMS} streams with ${projections} @Projection${projections === 1 ? '' : 's'} ` +
      `(default settings: batches of what is ready, up to ${DEFAULT_PROJECTION_BATCH_SIZE}; a Kysely upsert per event into ${tablesOf(projections).join(', ')}) in the same process, ` +
      `timed from the first append until dispatcher.idle() resolves, after ${WARM_UP_BATCHES} warm-up batches, event-loop delay watched on both sides; ` +
      `raw: the batched-append transaction, then per read model one transaction of prepared upserts and a checkpoint UPDATE, per batch, ` +
      `all synchronous` +
      (trials === 1 ? '; 1 trial per side in a full run' : ''),
    target: () => ({ value: 60_000, better: 'higher' }),
    trials,
    eventfold: { measure: (run) => measureEventfold(run, projections) },
    raw: { measure: (run) => measureRaw(run, projections) },
  };
}

/** End to end with one read model. */
export const projectionThroughputOne = projectionThroughput(1, undefined);

/**
 * End to end with four read models, each with its own checkpoint. One trial per side: the
 * eventfold side takes close to a minute, long enough to even out the noise a trial sees.
 */
export const projectionThroughputFour = projectionThroughput(4, 1);

/**
 * End to end with one read model whose projection runs hand-written SQL through `context.db`
 * instead of building a Kysely query per event: what is left is the dispatcher's own cost.
 */
export const projectionThroughputSql: Workload = {
  ...projectionThroughputOne,
  name: 'projection-e2e-1-sql',
  label: (quick) => `${projectionThroughputOne.label(quick)}, SQL`,
  note: () =>
    'as projection-e2e-1, but the projection runs two hand-written upsert statements through context.db.executeQuery(CompiledQuery.raw(...)), ' +
    'so no Kysely query is built per event; raw: the same as projection-e2e-1',
  eventfold: { measure: (run) => measureEventfold(run, 1, 'sql') },
};

/**
 * End to end with the order-status read model as a fold projection with the default settings: a
 * batch's events folded into rows in memory, the rows written in one multi-row upsert.
 */
export const projectionThroughputFold: Workload = {
  ...projectionThroughputOne,
  name: 'projection-e2e-fold',
  label: (quick) => `${projectionThroughputOne.label(quick)}, fold`,
  note: () =>
    "as projection-e2e-1, but the read model is a @FoldProjection with the default settings (one select of the batch's rows, " +
    'one multi-row upsert); raw: the same as projection-e2e-1, a prepared upsert per event',
  eventfold: { measure: (run) => measureEventfold(run, 1, 'fold') },
};

/**
 * The @On projection of projection-e2e-1 against a hand-written consumer that runs the same Kysely
 * queries in one transaction per 1000-event batch: what is left is eventfold's own cost.
 */
export const projectionThroughputKyselyConsumer: Workload = {
  ...projectionThroughputOne,
  name: 'projection-e2e-1-vs-kysely',
  label: (quick) => `${projectionThroughputOne.label(quick)}, vs Kysely consumer`,
  note: () =>
    'eventfold: as projection-e2e-1 (a Kysely upsert built per event, default settings); raw: the same raw appends, then the same ' +
    'Kysely upserts built per event, in one Kysely transaction per 1000-event batch with its checkpoint UPDATE',
  raw: { measure: (run) => measureRaw(run, 1, 'kysely') },
};
