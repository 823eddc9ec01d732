import { EventStore, type StreamRef } from '../../lib';
import { OrderFilled, OrderPlaced, orderEvent } from '../bench-domain';
import { startClock, throughput } from '../timing';
import type { PostgresRun, PostgresWorkload } from './postgres-run';
import { appendRaw, insertEventsSql, rawTape, withRawLog } from './raw-postgres-log';

const BATCH_SIZE = 1000;
const STREAMS = 10;
const WARM_UP_BATCHES = 2;
const WARM_UP_APPENDS = 200;
/** A cap on the single-append loop, checked every {@link CHECK_EVERY} appends. */
const SINGLE_APPEND_BUDGET_MS = 10_000;
const CHECK_EVERY = 100;

const batchCount = (quick: boolean) => (quick ? 5 : 30);
const singleAppendCount = (quick: boolean) => (quick ? 500 : 3_000);
const streamOf = (n: number): StreamRef => ({ type: 'MarketBook', id: `book-${n % STREAMS}` });

function openStore(run: PostgresRun): Promise<EventStore> {
  return EventStore.open({ postgres: run.url, schema: run.schema, poolSize: 2, events: [OrderPlaced, OrderFilled] });
}

/** 1000-event appends, as on SQLite. */
export const postgresBatchedAppend: PostgresWorkload = {
  name: 'pg-batched-append',
  label: (quick) => `append ${batchCount(quick)} x ${BATCH_SIZE.toLocaleString('en-US')}-event batches`,
  unit: 'events/s',
  note: () =>
    `batches go to ${STREAMS} streams in turn after ${WARM_UP_BATCHES} warm-up batches; raw: BEGIN, SELECT max(stream_version), ` +
    'one INSERT of 1000 rows RETURNING position, COMMIT (no advisory lock, no NOTIFY)',

  async eventfold(run) {
    const store = await openStore(run);
    try {
      const batchOf = (batch: number) => Array.from({ length: BATCH_SIZE }, (_, offset) => orderEvent(batch * BATCH_SIZE + offset));
      for (let batch = 0; batch < WARM_UP_BATCHES; batch++) await store.append({ type: 'MarketBook', id: 'warm-up' }, batchOf(batch));
      const batches = batchCount(run.quick);
      const elapsed = startClock();
      for (let batch = 0; batch < batches; batch++) await store.append(streamOf(batch), batchOf(batch));
      return { ...throughput(batches * BATCH_SIZE, elapsed()), checksum: `${await store.headPosition()} events in the log` };
    } finally {
      await store.close();
    }
  },

  async raw(run) {
    return withRawLog(run, async (client) => {
      const insertSql = insertEventsSql(BATCH_SIZE);
      for (let batch = 0; batch < WARM_UP_BATCHES; batch++)
        await appendRaw(client, { type: 'MarketBook', id: 'warm-up' }, rawTape(batch * BATCH_SIZE, BATCH_SIZE), insertSql);
      const batches = batchCount(run.quick);
      const elapsed = startClock();
      for (let batch = 0; batch < batches; batch++) await appendRaw(client, streamOf(batch), rawTape(batch * BATCH_SIZE, BATCH_SIZE), insertSql);
      const measured = throughput(batches * BATCH_SIZE, elapsed());
      const { rows } = await client.query<{ head: string }>('select max(position) as head from eventfold_events');
      return { ...measured, checksum: `${rows[0]?.head} events in the log` };
    });
  },
};

/** One event per append and per commit, with the version check, as on SQLite. */
export const postgresSingleAppend: PostgresWorkload = {
  name: 'pg-single-append',
  label: (quick) => `append ${singleAppendCount(quick).toLocaleString('en-US')} x 1 event, version check`,
  unit: 'events/s',
  note: () =>
    `appends go to ${STREAMS} streams in turn after ${WARM_UP_APPENDS} warm-up appends, for at most ${SINGLE_APPEND_BUDGET_MS / 1000} s; ` +
    'raw: BEGIN, SELECT max(stream_version), INSERT RETURNING position, COMMIT',

  async eventfold(run) {
    const store = await openStore(run);
    try {
      for (let append = 0; append < WARM_UP_APPENDS; append++) {
        await store.append({ type: 'MarketBook', id: 'warm-up' }, [orderEvent(append)], { expectedVersion: append });
      }
      const versions = new Array<number>(STREAMS).fill(0);
      const appends = singleAppendCount(run.quick);
      const elapsed = startClock();
      let done = 0;
      while (done < appends && (done % CHECK_EVERY !== 0 || elapsed() < SINGLE_APPEND_BUDGET_MS)) {
        const result = await store.append(streamOf(done), [orderEvent(done)], { expectedVersion: versions[done % STREAMS] });
        versions[done % STREAMS] = result.nextExpectedVersion;
        done++;
      }
      return { ...throughput(done, elapsed()), checksum: `${done} appends` };
    } finally {
      await store.close();
    }
  },

  async raw(run) {
    return withRawLog(run, async (client) => {
      const insertSql = insertEventsSql(1);
      for (let append = 0; append < WARM_UP_APPENDS; append++) await appendRaw(client, { type: 'MarketBook', id: 'warm-up' }, rawTape(append, 1), insertSql);
      const appends = singleAppendCount(run.quick);
      const elapsed = startClock();
      let done = 0;
      while (done < appends && (done % CHECK_EVERY !== 0 || elapsed() < SINGLE_APPEND_BUDGET_MS)) {
        await appendRaw(client, streamOf(done), rawTape(done, 1), insertSql);
        done++;
      }
      return { ...throughput(done, elapsed()), checksum: `${done} appends` };
    });
  },
};
