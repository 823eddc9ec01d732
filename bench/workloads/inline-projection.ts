import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { EventStore, type StreamRef } from '../../lib';
import { OrderFilled, OrderPlaced, orderEvent, orderEventType, orderFields } from '../bench-domain';
import { createReadModels, OrderStatusProjection } from '../order-projections';
import { readModelChecksum } from '../order-read-models';
import { openRawEventLog, prepareRawStatements } from '../raw-event-log';
import { prepareRawProjection } from '../raw-order-projections';
import { startClock, throughput } from '../timing';
import type { Workload } from '../workload';

const STREAMS = 10;
const WARM_UP_APPENDS = 500;
/** Appends between looks at the clock. */
const CHECK_EVERY = 100;

function appendCount(quick: boolean): number {
  return quick ? 2_000 : 10_000;
}

/** As for single appends: a slow disk must not stretch the run past its budget. */
function timeBudgetMs(quick: boolean): number {
  return quick ? 5_000 : 10_000;
}

/** Warm-up appends go to streams of their own, so that the timed ones start every stream at 0. */
function streamOfAppend(append: number, warmUp: boolean): StreamRef {
  return { type: 'MarketBook', id: `${warmUp ? 'warm-up' : 'book'}-${append % STREAMS}` };
}

/** Reads the log and the read model of a closed database, outside the timed part. */
function checksumOf(file: string): string {
  const database = new Database(file, { readonly: true });
  try {
    const head = database.prepare<[], { head: number }>('select max(position) as head from eventfold_events').get()?.head;
    return `${head} events in the log, ${readModelChecksum(database, ['order_status'])}`;
  } finally {
    database.close();
  }
}

/**
 * Single appends, each with an inline projection: the order-status upsert of the event runs in
 * the append's own transaction, so the read model is current when the append returns. Beside
 * `single-append`, it shows what an inline projection adds to every append.
 */
export const inlineProjection: Workload = {
  name: 'inline-projection',
  label: (quick) => `append ${appendCount(quick).toLocaleString('en-US')} x 1 event + inline upsert`,
  unit: 'events/s',
  durabilities: ['normal'],
  note: (quick) =>
    `as single appends (${STREAMS} streams, ${WARM_UP_APPENDS} warm-up appends, at most ${timeBudgetMs(quick) / 1000} s), ` +
    'with the order-status projection inline (a Kysely upsert per event through context.db); ' +
    'raw: BEGIN IMMEDIATE, SELECT max(stream_version), INSERT, the same upsert, COMMIT',
  target: () => undefined,

  eventfold: {
    async measure(run) {
      const store = await EventStore.open({
        sqlite: run.file,
        durability: run.durability,
        events: [OrderPlaced, OrderFilled],
        inlineProjections: [new OrderStatusProjection()],
      });
      let done = 0;
      let elapsedMs: number;
      try {
        await createReadModels(store.db, ['order_status']);
        const versions = new Array<number>(STREAMS).fill(0);
        for (let append = 0; append < WARM_UP_APPENDS; append++) {
          await store.append(streamOfAppend(append, true), [orderEvent(append)]);
        }
        const appends = appendCount(run.quick);
        const budget = timeBudgetMs(run.quick);
        const elapsed = startClock();
        while (done < appends && (done % CHECK_EVERY !== 0 || elapsed() < budget)) {
          const stream = done % STREAMS;
          const result = await store.append(streamOfAppend(done, false), [orderEvent(done)], { expectedVersion: versions[stream] });
          versions[stream] = result.nextExpectedVersion;
          done++;
        }
        elapsedMs = elapsed();
      } finally {
        await store.close();
      }
      return { ...throughput(done, elapsedMs), checksum: checksumOf(run.file) };
    },
  },

  raw: {
    async measure(run) {
      const database = openRawEventLog(run.file, run.durability);
      let done = 0;
      let elapsedMs: number;
      try {
        const statements = prepareRawStatements(database);
        const orderStatus = prepareRawProjection(database, 'order_status');
        // BEGIN IMMEDIATE; SELECT max(stream_version); INSERT; the upsert; COMMIT — the same steps as the store.
        const appendOne = database.transaction((stream: StreamRef, expected: number | undefined, index: number) => {
          const actual = statements.streamVersion.get(stream.type, stream.id)?.version ?? 0;
          if (expected !== undefined && actual !== expected) throw new Error(`${stream.id} is at version ${actual}, expected ${expected}`);
          const fields = orderFields(index);
          const type = orderEventType(index);
          const { lastInsertRowid } = statements.insertEvent.run(
            uuidv7(),
            stream.type,
            stream.id,
            actual + 1,
            type,
            1,
            JSON.stringify(fields),
            '{}',
            new Date().toISOString(),
          );
          orderStatus.apply({ position: Number(lastInsertRowid), type, fields });
          return actual + 1;
        });
        for (let append = 0; append < WARM_UP_APPENDS; append++) appendOne.immediate(streamOfAppend(append, true), undefined, append);
        const versions = new Array<number>(STREAMS).fill(0);
        const appends = appendCount(run.quick);
        const budget = timeBudgetMs(run.quick);
        const elapsed = startClock();
        while (done < appends && (done % CHECK_EVERY !== 0 || elapsed() < budget)) {
          const stream = done % STREAMS;
          versions[stream] = appendOne.immediate(streamOfAppend(done, false), versions[stream] ?? 0, done);
          done++;
        }
        elapsedMs = elapsed();
      } finally {
        database.close();
      }
      return { ...throughput(done, elapsedMs), checksum: checksumOf(run.file) };
    },
  },
};
