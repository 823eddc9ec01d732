import { EventStore } from '../../lib';
import { MarketBook, bookChecksum, emptyBookState, foldOrder, orderEvent, orderEventType, orderFields, type BookState, type OrderFields } from '../bench-domain';
import { median, startClock } from '../timing';
import type { Measurement } from '../workload';
import type { PostgresWorkload } from './postgres-run';
import { appendRaw, connectRaw, createEventLogTables, insertEventsSql } from './raw-postgres-log';

const STREAM_LENGTH = 10_000;
const APPEND_BATCH = 1000;
const BOOK_ID = 'book-1';
const WARM_UP_LOADS = 3;
const loadCount = (quick: boolean) => (quick ? 5 : 15);

/** Times `load` after a warm-up and reports the median. */
async function timeLoads(quick: boolean, load: () => Promise<BookState & { version: number }>): Promise<Measurement> {
  for (let warmUp = 0; warmUp < WARM_UP_LOADS; warmUp++) await load();
  const times: number[] = [];
  let book: (BookState & { version: number }) | undefined;
  for (let attempt = 0; attempt < loadCount(quick); attempt++) {
    const elapsed = startClock();
    book = await load();
    times.push(elapsed());
  }
  if (book?.version !== STREAM_LENGTH) throw new Error(`loaded version ${book?.version}, expected ${STREAM_LENGTH}`);
  return {
    value: median(times),
    detail: `median of ${times.length}, ${Math.min(...times).toFixed(2)}-${Math.max(...times).toFixed(2)} ms`,
    checksum: bookChecksum(book),
  };
}

/** Loading a 10,000-event aggregate by replaying all of it, as on SQLite. */
export const postgresLoadByReplay: PostgresWorkload = {
  name: 'pg-load-replay',
  label: () => `load ${STREAM_LENGTH.toLocaleString('en-US')}-event aggregate, no snapshot`,
  unit: 'ms',
  note: (quick) =>
    `median of ${loadCount(quick)} loads after ${WARM_UP_LOADS} warm-ups, the stream written first (not timed); raw: one SELECT of ` +
    'the stream (pg parses the jsonb payloads), folded into a plain object',

  async eventfold(run) {
    const store = await EventStore.open({ postgres: run.url, schema: run.schema, poolSize: 2, aggregates: [MarketBook] });
    try {
      for (let first = 0; first < STREAM_LENGTH; first += APPEND_BATCH) {
        const events = Array.from({ length: APPEND_BATCH }, (_, offset) => orderEvent(first + offset));
        await store.append({ type: 'MarketBook', id: BOOK_ID }, events, { expectedVersion: first });
      }
      const books = store.repository(MarketBook);
      return await timeLoads(run.quick, () => books.load(BOOK_ID));
    } finally {
      await store.close();
    }
  },

  async raw(run) {
    await createEventLogTables(run.url, run.schema);
    const client = await connectRaw(run.url, run.schema);
    try {
      const insertSql = insertEventsSql(APPEND_BATCH);
      for (let first = 0; first < STREAM_LENGTH; first += APPEND_BATCH) {
        const events = Array.from({ length: APPEND_BATCH }, (_, offset) => ({ type: orderEventType(first + offset), fields: orderFields(first + offset) }));
        await appendRaw(client, { type: 'MarketBook', id: BOOK_ID }, events, insertSql);
      }
      return await timeLoads(run.quick, async () => {
        const book = { ...emptyBookState(), version: 0 };
        const { rows } = await client.query<{ stream_version: number; event_type: string; payload: OrderFields }>(
          'select stream_version, event_type, payload from eventfold_events where stream_type = $1 and stream_id = $2 and stream_version > $3 order by stream_version',
          ['MarketBook', BOOK_ID, 0],
        );
        for (const row of rows) {
          foldOrder(book, row.event_type, row.payload);
          book.version = row.stream_version;
        }
        return book;
      });
    } finally {
      await client.end();
    }
  },
};
