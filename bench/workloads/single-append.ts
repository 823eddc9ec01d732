import { v7 as uuidv7 } from 'uuid';
import { EventStore, type StreamRef } from '../../lib';
import { OrderFilled, OrderPlaced, orderEvent, orderEventType, orderFields } from '../bench-domain';
import { openRawEventLog, prepareRawStatements } from '../raw-event-log';
import { startClock, throughput } from '../timing';
import type { Workload } from '../workload';

const STREAMS = 10;
const WARM_UP_APPENDS = 500;
const WARM_UP_STREAM: StreamRef = { type: 'MarketBook', id: 'warm-up' };
/** Appends between looks at the clock. */
const CHECK_EVERY = 100;

function appendCount(quick: boolean): number {
  return quick ? 2_000 : 10_000;
}

/**
 * A cap on the timed loop: with `durability: 'full'` every commit waits for the disk, and a slow
 * disk must not stretch the run past its budget. The figure is then over the appends done.
 */
function timeBudgetMs(quick: boolean): number {
  return quick ? 5_000 : 10_000;
}

function streamOfAppend(append: number): StreamRef {
  return { type: 'MarketBook', id: `book-${append % STREAMS}` };
}

/** One event per append and per commit, each checked against the version the writer saw. */
export const singleAppend: Workload = {
  name: 'single-append',
  label: (quick) => `append ${appendCount(quick).toLocaleString('en-US')} x 1 event, version check`,
  unit: 'events/s',
  durabilities: ['normal', 'full'],
  note: (quick) =>
    `appends go to ${STREAMS} streams in turn after ${WARM_UP_APPENDS} warm-up appends, for at most ${timeBudgetMs(quick) / 1000} s; ` +
    'raw: BEGIN IMMEDIATE, SELECT max(stream_version), INSERT, COMMIT',
  // With 'full' every commit is an fsync: the disk sets the pace, not the library.
  target: (durability) => (durability === 'normal' ? { value: 15_000, better: 'higher' } : undefined),

  eventfold: {
    async measure(run) {
      const store = await EventStore.open({ sqlite: run.file, durability: run.durability, events: [OrderPlaced, OrderFilled] });
      try {
        const versions = new Array<number>(STREAMS).fill(0);
        for (let append = 0; append < WARM_UP_APPENDS; append++) {
          await store.append(WARM_UP_STREAM, [orderEvent(append)], { expectedVersion: append });
        }
        const appends = appendCount(run.quick);
        const budget = timeBudgetMs(run.quick);
        const elapsed = startClock();
        let done = 0;
        while (done < appends && (done % CHECK_EVERY !== 0 || elapsed() < budget)) {
          const stream = done % STREAMS;
          const result = await store.append(streamOfAppend(done), [orderEvent(done)], { expectedVersion: versions[stream] });
          versions[stream] = result.nextExpectedVersion;
          done++;
        }
        const measured = throughput(done, elapsed());
        return { ...measured, checksum: `${await store.headPosition()} events in the log` };
      } finally {
        await store.close();
      }
    },
  },

  raw: {
    async measure(run) {
      const database = openRawEventLog(run.file, run.durability);
      try {
        const statements = prepareRawStatements(database);
        // BEGIN IMMEDIATE; SELECT max(stream_version); INSERT; COMMIT — the same steps as the store.
        const appendOne = database.transaction((stream: StreamRef, expected: number, index: number) => {
          const actual = statements.streamVersion.get(stream.type, stream.id)?.version ?? 0;
          if (actual !== expected) throw new Error(`${stream.id} is at version ${actual}, expected ${expected}`);
          const payload = JSON.stringify(orderFields(index));
          statements.insertEvent.run(uuidv7(), stream.type, stream.id, actual + 1, orderEventType(index), 1, payload, '{}', new Date().toISOString());
          return actual + 1;
        });
        const versions = new Array<number>(STREAMS).fill(0);
        for (let append = 0; append < WARM_UP_APPENDS; append++) appendOne.immediate(WARM_UP_STREAM, append, append);
        const appends = appendCount(run.quick);
        const budget = timeBudgetMs(run.quick);
        const elapsed = startClock();
        let done = 0;
        while (done < appends && (done % CHECK_EVERY !== 0 || elapsed() < budget)) {
          const stream = done % STREAMS;
          versions[stream] = appendOne.immediate(streamOfAppend(done), versions[stream] ?? 0, done);
          done++;
        }
        const measured = throughput(done, elapsed());
        const head = database.prepare<[], { head: number }>('select max(position) as head from eventfold_events').get()?.head;
        return { ...measured, checksum: `${head} events in the log` };
      } finally {
        database.close();
      }
    },
  },
};
