import { v7 as uuidv7 } from 'uuid';
import type { Durability } from '../lib';
import { orderEventType, orderFields } from './bench-domain';
import { openRawEventLog, prepareRawStatements } from './raw-event-log';

/** Events per append of the tape, as a bulk import would write them. */
const TAPE_BATCH = 1000;
/** Batches per transaction while writing: the log is written once, before anything is timed. */
const BATCHES_PER_TRANSACTION = 50;

/** Where the tape goes: which stream type, and how many streams take its batches in turn. */
export interface TapeLayout {
  readonly streamType: string;
  readonly streams: number;
}

/**
 * Writes the first `events` events of the order tape straight into an `eventfold_events` table,
 * row for row what `store.append` of 1000-event batches would store (ids, versions, JSON
 * payloads), but without the store's per-append work: this is how a bench gets a long log
 * quickly. The file's schema must already exist, created by `EventStore.open` or
 * {@link openRawEventLog}.
 *
 * @example
 * ```ts
 * await (await EventStore.open({ sqlite: file })).close();
 * writeOrderTape(file, 'normal', 1_000_000, { streamType: 'MarketBook', streams: 10 });
 * ```
 */
export function writeOrderTape(file: string, durability: Durability, events: number, layout: TapeLayout): void {
  const database = openRawEventLog(file, durability);
  try {
    const { insertEvent } = prepareRawStatements(database);
    const writeBatches = database.transaction((firstBatch: number, endBatch: number) => {
      const recordedAt = new Date().toISOString();
      for (let batch = firstBatch; batch < endBatch; batch++) {
        const streamId = `book-${batch % layout.streams}`;
        const fromVersion = Math.floor(batch / layout.streams) * TAPE_BATCH;
        const first = batch * TAPE_BATCH;
        const end = Math.min(first + TAPE_BATCH, events);
        for (let index = first; index < end; index++) {
          const payload = JSON.stringify(orderFields(index));
          const version = fromVersion + index - first + 1;
          insertEvent.run(uuidv7(), layout.streamType, streamId, version, orderEventType(index), 1, payload, '{}', recordedAt);
        }
      }
    });
    const batches = Math.ceil(events / TAPE_BATCH);
    for (let batch = 0; batch < batches; batch += BATCHES_PER_TRANSACTION) {
      writeBatches.immediate(batch, Math.min(batch + BATCHES_PER_TRANSACTION, batches));
    }
  } finally {
    database.close();
  }
}
