import Database from 'better-sqlite3';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Dispatcher, EventStore } from '../../lib';
import { OrderFilled, OrderPlaced, type OrderFields } from '../bench-domain';
import { startEventLoopDelayMonitor, type EventLoopDelay } from '../event-loop-delay';
import { RebuiltOrderStatusFold, RebuiltOrderStatusProjection, createReadModels } from '../order-projections';
import { readModelChecksum } from '../order-read-models';
import { writeOrderTape } from '../order-tape-log';
import { openRawEventLog } from '../raw-event-log';
import { prepareRawProjection } from '../raw-order-projections';
import { formatMemoryProfile, startRssSampler, type MemoryProfile } from '../rss-sampler';
import { startClock, throughput } from '../timing';
import type { Measurement, Workload, WorkloadRun } from '../workload';

/** Events per rebuild transaction, on both sides. */
const REBUILD_BATCH = 1000;
const PROJECTION = 'order-status-rebuilt';
const FOLD_PROJECTION = 'order-status-fold-rebuilt';
const TABLES = ['order_status'] as const;
/** How often each side samples its resident memory while rebuilding. */
const SAMPLE_EVERY_MS = 100;

/** The columns of the log the raw side reads to rebuild. */
interface LogRow {
  readonly position: number;
  readonly event_type: string;
  readonly payload: string;
}

function logLength(quick: boolean): number {
  return quick ? 100_000 : 1_000_000;
}

/** Reads the read model of a closed database, outside the timed part. */
function checksumOf(file: string, events: number): string {
  const database = new Database(file, { readonly: true });
  try {
    return `${events} events, ${readModelChecksum(database, TABLES)}`;
  } finally {
    database.close();
  }
}

/** What one side's rebuild saw, before the read model is checked. */
interface Rebuilt {
  readonly events: number;
  readonly milliseconds: number;
  readonly memory: MemoryProfile;
  readonly eventLoopDelay: EventLoopDelay;
}

function rebuildMeasurement({ events, milliseconds, memory, eventLoopDelay }: Rebuilt, checksum: string): Measurement {
  const measured = throughput(events, milliseconds);
  return { ...measured, detail: `${measured.detail}, ${formatMemoryProfile(memory)}`, memory, eventLoopDelay, checksum };
}

/** The projection a side rebuilds: the @On one with a Kysely upsert per event, or the fold projection. */
type RebuiltProjection = 'on' | 'fold';

async function measureEventfold(run: WorkloadRun, projection: RebuiltProjection = 'on'): Promise<Measurement> {
  const store = await EventStore.open({ sqlite: run.file, durability: run.durability, events: [OrderPlaced, OrderFilled] });
  let rebuilt: Rebuilt;
  try {
    await createReadModels(store.db, TABLES);
    // A projection deployed on a log that already exists starts at its head; the rebuild fills it in.
    const dispatcher = await Dispatcher.start(store, [projection === 'fold' ? new RebuiltOrderStatusFold() : new RebuiltOrderStatusProjection()]);
    try {
      await dispatcher.idle();
      const sampler = startRssSampler(SAMPLE_EVERY_MS);
      const monitor = await startEventLoopDelayMonitor();
      const elapsed = startClock();
      const result = await dispatcher.rebuild(projection === 'fold' ? FOLD_PROJECTION : PROJECTION, {
        // The fold projection rebuilds with the default settings.
        ...(projection === 'fold' ? {} : { batchSize: REBUILD_BATCH }),
        progressIntervalMs: SAMPLE_EVERY_MS,
        onProgress: ({ done, total }) => sampler.progress(done, total),
      });
      const milliseconds = elapsed();
      rebuilt = { events: result.done, milliseconds, memory: sampler.stop(), eventLoopDelay: await monitor.stop() };
      if (result.done !== logLength(run.quick) || result.total !== result.done) {
        throw new Error(`the rebuild replayed ${result.done} of ${result.total} events, expected ${logLength(run.quick)}`);
      }
    } finally {
      await dispatcher.stop();
    }
  } finally {
    await store.close();
  }
  return rebuildMeasurement(rebuilt, checksumOf(run.file, rebuilt.events));
}

async function measureRaw(run: WorkloadRun): Promise<Measurement> {
  const database = openRawEventLog(run.file, run.durability);
  let rebuilt: Rebuilt;
  try {
    const readModel = prepareRawProjection(database, 'order_status');
    const head = (database.prepare('select max(position) as head from eventfold_events').get() as { head: number }).head;
    const pageAfter = database.prepare<[number, number], LogRow>(
      'select position, event_type, payload from eventfold_events where position > ? order by position limit ?',
    );
    const applyPage = database.transaction((rows: ReadonlyArray<LogRow>, from: number) => {
      for (const row of rows) readModel.apply({ position: row.position, type: row.event_type, fields: JSON.parse(row.payload) as OrderFields });
      const last = rows.at(-1);
      if (last) readModel.saveCheckpoint(from, last.position);
    });
    const sampler = startRssSampler(SAMPLE_EVERY_MS);
    const monitor = await startEventLoopDelayMonitor();
    const elapsed = startClock();
    readModel.reset();
    let checkpoint = 0;
    for (;;) {
      const rows = pageAfter.all(checkpoint, REBUILD_BATCH);
      const last = rows.at(-1);
      if (last === undefined) break;
      applyPage.immediate(rows, checkpoint);
      checkpoint = last.position;
      sampler.progress(checkpoint, head);
      // Lets the sampler's and the monitor's timers run, as they do between eventfold's transactions.
      await yieldToEventLoop();
    }
    const milliseconds = elapsed();
    rebuilt = { events: checkpoint, milliseconds, memory: sampler.stop(), eventLoopDelay: await monitor.stop() };
  } finally {
    database.close();
  }
  return rebuildMeasurement(rebuilt, checksumOf(run.file, rebuilt.events));
}

/** Rebuilding a projection over a long log: throughput, and whether memory stays flat. */
export const projectionRebuild: Workload = {
  name: 'projection-rebuild',
  label: (quick) => `rebuild 1 projection over ${logLength(quick).toLocaleString('en-US')} events`,
  unit: 'events/s',
  durabilities: ['normal'],
  note: (quick) =>
    `the log (1,000-event batches in 10 streams) is written once and copied for each trial; timed: dispatcher.rebuild() of ` +
    `the order_status projection, blue/green (into a copy of the table, swapped in at the end; batchSize ${REBUILD_BATCH}, a Kysely upsert per event, ${Math.round(logLength(quick) / 2).toLocaleString('en-US')} ` +
    `rows at the end), RSS sampled every ${SAMPLE_EVERY_MS} ms and at 10/50/100% of progress, event-loop delay watched on both sides; raw: DELETE, then pages of ` +
    `${REBUILD_BATCH.toLocaleString('en-US')} rows (SELECT position, event_type, payload), JSON.parse and a prepared upsert per event, ` +
    `one transaction per page with a checkpoint UPDATE${quick ? '' : '; 1 trial per side in a full run'}`,
  target: () => undefined,
  trials: 1,
  async prepare(run) {
    // The store creates its schema; the log then goes in by the fast path, row for row what appends would store.
    await (await EventStore.open({ sqlite: run.file, durability: run.durability, events: [OrderPlaced, OrderFilled] })).close();
    writeOrderTape(run.file, run.durability, logLength(run.quick), { streamType: 'MarketBook', streams: 10 });
  },
  eventfold: { measure: measureEventfold },
  raw: { measure: measureRaw },
};

/** The same rebuild of the order-status read model written as a fold projection, with the default settings. */
export const projectionRebuildFold: Workload = {
  ...projectionRebuild,
  name: 'projection-rebuild-fold',
  label: (quick) => `${projectionRebuild.label(quick)}, fold`,
  note: (quick) =>
    `as projection-rebuild, but the read model is the @FoldProjection of order_status with the default settings (blue/green, ` +
    `per batch one select of its rows and one multi-row upsert); raw: the same as projection-rebuild` +
    (quick ? '' : '; 1 trial per side in a full run'),
  eventfold: { measure: (run) => measureEventfold(run, 'fold') },
};
