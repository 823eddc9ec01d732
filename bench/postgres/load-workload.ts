import { EventStore } from '../../lib';
import { MarketBook, emptyBookState, foldOrder, orderEvent, type OrderFields } from '../bench-domain';
import { runCount, STREAM_LENGTH, timeLoads, WARM_UP_LOADS } from '../workloads/aggregate-load';
import type { PostgresWorkload } from './postgres-run';
import { appendRaw, insertEventsSql, rawTape, withRawLog } from './raw-postgres-log';

const APPEND_BATCH = 1000;
const BOOK_ID = 'book-1';

/** Loading a 10,000-event aggregate by replaying all of it, as on SQLite. */
export const postgresLoadByReplay: PostgresWorkload = {
  name: 'pg-load-replay',
  label: () => `load ${STREAM_LENGTH.toLocaleString('en-US')}-event aggregate, no snapshot`,
  unit: 'ms',
  note: (quick) =>
    `median of ${runCount(quick)} loads after ${WARM_UP_LOADS} warm-ups, the stream written first (not timed); raw: one SELECT of ` +
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
    return withRawLog(run, async (client) => {
      const insertSql = insertEventsSql(APPEND_BATCH);
      for (let first = 0; first < STREAM_LENGTH; first += APPEND_BATCH) {
        const events = rawTape(first, APPEND_BATCH);
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
    });
  },
};
