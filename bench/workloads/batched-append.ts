import { v7 as uuidv7 } from 'uuid';
import { EventStore, type StreamRef } from '../../lib';
import { OrderFilled, OrderPlaced, orderEvent, orderEventType, orderFields } from '../bench-domain';
import { openRawEventLog, prepareRawStatements } from '../raw-event-log';
import { startClock, throughput } from '../timing';
import type { Workload } from '../workload';

const BATCH_SIZE = 1000;
const STREAMS = 10;
const WARM_UP_BATCHES = 5;
const WARM_UP_STREAM: StreamRef = { type: 'MarketBook', id: 'warm-up' };

function batchCount(quick: boolean): number {
  return quick ? 20 : 100;
}

/** Batches go round the streams, so each stream grows to a tenth of the log. */
function streamOfBatch(batch: number): StreamRef {
  return { type: 'MarketBook', id: `book-${batch % STREAMS}` };
}

/** Appends of 1000 events at a time: the bulk import or catch-up case. */
export const batchedAppend: Workload = {
  name: 'batched-append',
  label: (quick) => `append ${batchCount(quick)} x ${BATCH_SIZE.toLocaleString('en-US')}-event batches`,
  unit: 'events/s',
  durabilities: ['normal', 'full'],
  note: () =>
    `batches go to ${STREAMS} streams in turn after ${WARM_UP_BATCHES} warm-up batches; raw: SELECT max(stream_version) and ` +
    `${BATCH_SIZE.toLocaleString('en-US')} prepared INSERTs in one BEGIN IMMEDIATE transaction`,
  target: () => ({ value: 100_000, better: 'higher' }),

  eventfold: {
    async measure(run) {
      const store = await EventStore.open({ sqlite: run.file, durability: run.durability, events: [OrderPlaced, OrderFilled] });
      try {
        const batchOf = (batch: number) => Array.from({ length: BATCH_SIZE }, (_, offset) => orderEvent(batch * BATCH_SIZE + offset));
        for (let batch = 0; batch < WARM_UP_BATCHES; batch++) await store.append(WARM_UP_STREAM, batchOf(batch));
        const batches = batchCount(run.quick);
        const elapsed = startClock();
        for (let batch = 0; batch < batches; batch++) await store.append(streamOfBatch(batch), batchOf(batch));
        const measured = throughput(batches * BATCH_SIZE, elapsed());
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
        const appendBatch = database.transaction((stream: StreamRef, batch: number) => {
          const version = statements.streamVersion.get(stream.type, stream.id)?.version ?? 0;
          const recordedAt = new Date().toISOString();
          for (let offset = 0; offset < BATCH_SIZE; offset++) {
            const index = batch * BATCH_SIZE + offset;
            const payload = JSON.stringify(orderFields(index));
            statements.insertEvent.run(uuidv7(), stream.type, stream.id, version + offset + 1, orderEventType(index), 1, payload, '{}', recordedAt);
          }
        });
        for (let batch = 0; batch < WARM_UP_BATCHES; batch++) appendBatch.immediate(WARM_UP_STREAM, batch);
        const batches = batchCount(run.quick);
        const elapsed = startClock();
        for (let batch = 0; batch < batches; batch++) appendBatch.immediate(streamOfBatch(batch), batch);
        const measured = throughput(batches * BATCH_SIZE, elapsed());
        const head = database.prepare<[], { head: number }>('select max(position) as head from eventfold_events').get()?.head;
        return { ...measured, checksum: `${head} events in the log` };
      } finally {
        database.close();
      }
    },
  },
};
