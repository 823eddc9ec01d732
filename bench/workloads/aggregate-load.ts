import { v7 as uuidv7 } from 'uuid';
import { EventStore, type AggregateClass } from '../../lib';
import {
  MarketBook,
  SNAPSHOT_EVERY,
  SnapshottedMarketBook,
  bookChecksum,
  emptyBookState,
  foldOrder,
  orderEvent,
  orderEventType,
  orderFields,
  type BookState,
  type OrderFields,
} from '../bench-domain';
import { openRawEventLog, prepareRawStatements } from '../raw-event-log';
import { median, startClock } from '../timing';
import type { Measurement, Workload, WorkloadRun, WorkloadSide } from '../workload';

/** Events in the aggregate's stream. */
export const STREAM_LENGTH = 10_000;
/** How far the latest snapshot trails the end of the stream, as after a few unsnapshotted saves. */
const SNAPSHOT_BEHIND = 3;
/** The version the snapshot is taken at. */
const SNAPSHOT_AT = STREAM_LENGTH - SNAPSHOT_BEHIND;
const BOOK_ID = 'book-1';
const APPEND_BATCH = 1000;
/** Loads before the timed ones. */
export const WARM_UP_LOADS = 3;

/** Timed loads per trial. */
export function runCount(quick: boolean): number {
  return quick ? 5 : 15;
}

/** The indexes `from` (inclusive) to `to` (exclusive) of the tape, in append-sized batches. */
function* batchesOfTape(from: number, to: number): Generator<[first: number, end: number]> {
  for (let first = from; first < to; first += APPEND_BATCH) yield [first, Math.min(first + APPEND_BATCH, to)];
}

/** Writes the stream, taking the snapshot the way an application would: through a repository save. */
async function prepareWithEventfold(run: WorkloadRun, bookClass: AggregateClass<MarketBook>, snapshotted: boolean): Promise<void> {
  const store = await EventStore.open({ sqlite: run.file, durability: run.durability, aggregates: [bookClass] });
  try {
    const books = store.repository(bookClass);
    const stream = { type: books.aggregateType, id: BOOK_ID };
    const appendTape = async (from: number, to: number) => {
      for (const [first, end] of batchesOfTape(from, to)) {
        const events = Array.from({ length: end - first }, (_, offset) => orderEvent(first + offset));
        await store.append(stream, events, { expectedVersion: first });
      }
    };
    if (!snapshotted) return await appendTape(0, STREAM_LENGTH);
    // A save snapshots when it crosses a multiple of SNAPSHOT_EVERY; this one crosses the last
    // multiple below SNAPSHOT_AT and ends exactly there.
    const savedFrom = Math.floor(SNAPSHOT_AT / SNAPSHOT_EVERY) * SNAPSHOT_EVERY - 1;
    await appendTape(0, savedFrom);
    const book = await books.load(BOOK_ID);
    for (let index = savedFrom; index < SNAPSHOT_AT; index++) book.record(index);
    await books.save(book);
    await appendTape(SNAPSHOT_AT, STREAM_LENGTH);
    const snapshot = await store.db.selectFrom('eventfold_snapshots').select('stream_version').where('stream_id', '=', BOOK_ID).executeTakeFirst();
    if (snapshot?.stream_version !== SNAPSHOT_AT) throw new Error(`expected a snapshot at version ${SNAPSHOT_AT}, found ${snapshot?.stream_version}`);
  } finally {
    await store.close();
  }
}

/** Times loads of the bench's order book: {@link timeLoadsOf} for a book of {@link STREAM_LENGTH} events. */
export function timeLoads(quick: boolean, load: () => Promise<BookState & { version: number }>): Promise<Measurement> {
  return timeLoadsOf(quick, load, STREAM_LENGTH, bookChecksum);
}

/**
 * Times `load` after a warm-up and reports the median; every load must reach `expectedVersion`,
 * and `checksumOf` fingerprints the last state loaded.
 */
export async function timeLoadsOf<State extends { version: number }>(
  quick: boolean,
  load: () => Promise<State>,
  expectedVersion: number,
  checksumOf: (state: State) => string,
): Promise<Measurement> {
  for (let warmUp = 0; warmUp < WARM_UP_LOADS; warmUp++) await load();
  const times: number[] = [];
  let state: State | undefined;
  for (let attempt = 0; attempt < runCount(quick); attempt++) {
    const elapsed = startClock();
    state = await load();
    times.push(elapsed());
  }
  if (state?.version !== expectedVersion) throw new Error(`loaded version ${state?.version}, expected ${expectedVersion}`);
  return {
    value: median(times),
    detail: `median of ${times.length}, ${Math.min(...times).toFixed(2)}-${Math.max(...times).toFixed(2)} ms`,
    checksum: checksumOf(state),
  };
}

function eventfoldSide(bookClass: AggregateClass<MarketBook>, snapshotted: boolean): WorkloadSide {
  return {
    prepare: (run) => prepareWithEventfold(run, bookClass, snapshotted),
    async measure(run) {
      const store = await EventStore.open({ sqlite: run.file, durability: run.durability, aggregates: [bookClass] });
      try {
        const books = store.repository(bookClass);
        return await timeLoads(run.quick, () => books.load(BOOK_ID));
      } finally {
        await store.close();
      }
    },
  };
}

function rawSide(streamType: string, snapshotted: boolean): WorkloadSide {
  return {
    async prepare(run) {
      const database = openRawEventLog(run.file, run.durability);
      try {
        const statements = prepareRawStatements(database);
        const state = emptyBookState();
        const recordedAt = new Date().toISOString();
        for (const [first, end] of batchesOfTape(0, STREAM_LENGTH)) {
          database
            .transaction(() => {
              for (let index = first; index < end; index++) {
                const fields = orderFields(index);
                const type = orderEventType(index);
                statements.insertEvent.run(uuidv7(), streamType, BOOK_ID, index + 1, type, 1, JSON.stringify(fields), '{}', recordedAt);
                if (index < SNAPSHOT_AT) foldOrder(state, type, fields);
              }
            })
            .immediate();
        }
        if (snapshotted) statements.saveSnapshot.run(streamType, BOOK_ID, SNAPSHOT_AT, 1, JSON.stringify(state), recordedAt);
      } finally {
        database.close();
      }
    },
    async measure(run) {
      const database = openRawEventLog(run.file, run.durability);
      try {
        const statements = prepareRawStatements(database);
        return await timeLoads(run.quick, async () => {
          const snapshot = snapshotted ? statements.latestSnapshot.get(streamType, BOOK_ID) : undefined;
          const book = snapshot ? { ...(JSON.parse(snapshot.state) as BookState), version: snapshot.stream_version } : { ...emptyBookState(), version: 0 };
          for (const row of statements.readStream.all(streamType, BOOK_ID, book.version)) {
            foldOrder(book, row.event_type, JSON.parse(row.payload) as OrderFields);
            book.version = row.stream_version;
          }
          return book;
        });
      } finally {
        database.close();
      }
    },
  };
}

/** Loading a 10,000-event aggregate by replaying all of it. */
export const loadByReplay: Workload = {
  name: 'load-replay',
  label: () => `load ${STREAM_LENGTH.toLocaleString('en-US')}-event aggregate, no snapshot`,
  unit: 'ms',
  durabilities: ['normal'],
  note: (quick) =>
    `median of ${runCount(quick)} loads after ${WARM_UP_LOADS} warm-ups; raw: one prepared SELECT of the stream, ` +
    'JSON.parse of each payload, folded into a plain object',
  target: () => ({ value: 80, better: 'lower' }),
  eventfold: eventfoldSide(MarketBook, false),
  raw: rawSide('MarketBook', false),
};

/** Loading the same aggregate from a snapshot a few events behind its end. */
export const loadFromSnapshot: Workload = {
  name: 'load-snapshot',
  label: () => `load ${STREAM_LENGTH.toLocaleString('en-US')}-event aggregate, snapshot ${SNAPSHOT_BEHIND} behind`,
  unit: 'ms',
  durabilities: ['normal'],
  note: (quick) =>
    `as above, with a snapshot every ${SNAPSHOT_EVERY} events and the latest one ${SNAPSHOT_BEHIND} events behind; ` +
    `raw reads its own snapshot row first (median of ${runCount(quick)})`,
  target: () => ({ value: 5, better: 'lower' }),
  eventfold: eventfoldSide(SnapshottedMarketBook, true),
  raw: rawSide('SnapshottedMarketBook', true),
};
