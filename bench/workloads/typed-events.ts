import { v7 as uuidv7 } from 'uuid';
import { EventStore, type StreamRef } from '../../lib';
import { openRawEventLog, prepareRawStatements } from '../raw-event-log';
import { WARM_UP_LOADS, runCount, timeLoadsOf } from './aggregate-load';
import { startClock, throughput } from '../timing';
import { Money, TradeExecuted, TradingDesk, deskChecksum, emptyDeskState, foldTrade, tradeFields, type DeskState, type TradeFields } from '../trade-domain';
import type { Workload, WorkloadRun } from '../workload';

/**
 * The repository path with events that go through class-transformer (a `@Type(() => Date)` and a
 * `@Type(() => Money)` field each): saving them 1,000 at a time, and loading an aggregate of
 * 10,000 of them. The raw side writes and reads the same JSON by hand.
 */

const SAVE_SIZE = 1000;
const DESKS = 10;
const WARM_UP_SAVES = 5;
const STREAM_TYPE = 'TradingDesk';
const WARM_UP_DESK = 'desk-warm-up';
/** Events in the stream of the loaded desk. */
const LOADED_LENGTH = 10_000;
const LOADED_DESK = 'desk-loaded';

function saveCount(quick: boolean): number {
  return quick ? 20 : 100;
}

/** Saves go round the desks, so each stream grows by a thousand events a turn. */
function deskOfSave(save: number): string {
  return `desk-${save % DESKS}`;
}

/** Saving a desk that executed 1,000 trades since its last save, through the repository. */
export const repositorySaveTyped: Workload = {
  name: 'repository-save-typed',
  label: (quick) => `save ${saveCount(quick)} x ${SAVE_SIZE.toLocaleString('en-US')} events, Date + nested class`,
  unit: 'events/s',
  durabilities: ['normal'],
  note: () =>
    `repository.save of ${SAVE_SIZE.toLocaleString('en-US')} raised TradeExecuted events (a @Type(() => Date) and a @Type(() => Money) field), ` +
    `${DESKS} desks in turn after ${WARM_UP_SAVES} warm-up saves; raw: the same fields as a plain object (the Date as its ISO string), ` +
    `folded, JSON.stringify, SELECT max(stream_version) and ${SAVE_SIZE.toLocaleString('en-US')} prepared INSERTs in one BEGIN IMMEDIATE transaction`,
  target: () => undefined,

  eventfold: {
    async measure(run) {
      const store = await EventStore.open({ sqlite: run.file, durability: run.durability, aggregates: [TradingDesk] });
      try {
        const desks = store.repository(TradingDesk);
        const saveTrades = async (desk: TradingDesk, save: number) => {
          for (let offset = 0; offset < SAVE_SIZE; offset++) desk.execute(save * SAVE_SIZE + offset);
          await desks.save(desk);
        };
        const warmUp = new TradingDesk(WARM_UP_DESK);
        for (let save = 0; save < WARM_UP_SAVES; save++) await saveTrades(warmUp, save);
        const open = Array.from({ length: DESKS }, (_, desk) => new TradingDesk(deskOfSave(desk)));
        const saves = saveCount(run.quick);
        const elapsed = startClock();
        for (let save = 0; save < saves; save++) await saveTrades(open[save % DESKS]!, save);
        const measured = throughput(saves * SAVE_SIZE, elapsed());
        return { ...measured, checksum: `${await store.headPosition()} events in the log, ${deskChecksum(open[0]!)}` };
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
        const saveTrades = database.transaction((stream: StreamRef, state: DeskState, save: number) => {
          const version = statements.streamVersion.get(stream.type, stream.id)?.version ?? 0;
          const recordedAt = new Date().toISOString();
          for (let offset = 0; offset < SAVE_SIZE; offset++) {
            const fields = tradeFields(save * SAVE_SIZE + offset);
            foldTrade(state, fields.volume, fields.price.amount, Date.parse(fields.executedAt));
            statements.insertEvent.run(uuidv7(), stream.type, stream.id, version + offset + 1, 'TradeExecuted', 1, JSON.stringify(fields), '{}', recordedAt);
          }
        });
        const warmUp = emptyDeskState();
        for (let save = 0; save < WARM_UP_SAVES; save++) saveTrades.immediate({ type: STREAM_TYPE, id: WARM_UP_DESK }, warmUp, save);
        const states = Array.from({ length: DESKS }, emptyDeskState);
        const saves = saveCount(run.quick);
        const elapsed = startClock();
        for (let save = 0; save < saves; save++) saveTrades.immediate({ type: STREAM_TYPE, id: deskOfSave(save) }, states[save % DESKS]!, save);
        const measured = throughput(saves * SAVE_SIZE, elapsed());
        const head = database.prepare<[], { head: number }>('select max(position) as head from eventfold_events').get()?.head;
        return { ...measured, checksum: `${head} events in the log, ${deskChecksum(states[0]!)}` };
      } finally {
        database.close();
      }
    },
  },
};

/** Writes the loaded desk's stream through the repository, a thousand trades a save. */
async function prepareWithEventfold(run: WorkloadRun): Promise<void> {
  const store = await EventStore.open({ sqlite: run.file, durability: run.durability, aggregates: [TradingDesk] });
  try {
    const desks = store.repository(TradingDesk);
    const desk = new TradingDesk(LOADED_DESK);
    for (let index = 0; index < LOADED_LENGTH; index++) {
      desk.execute(index);
      if ((index + 1) % SAVE_SIZE === 0) await desks.save(desk);
    }
  } finally {
    await store.close();
  }
}

/** Loading a desk of 10,000 trades by replaying its stream. */
export const loadTyped: Workload = {
  name: 'load-typed',
  label: () => `load ${LOADED_LENGTH.toLocaleString('en-US')}-event aggregate, Date + nested class`,
  unit: 'ms',
  durabilities: ['normal'],
  note: (quick) =>
    `repository.load of a desk whose ${LOADED_LENGTH.toLocaleString('en-US')} TradeExecuted events are replayed (no snapshot), median of ` +
    `${runCount(quick)} loads after ${WARM_UP_LOADS} warm-ups; raw: one prepared SELECT of the stream, JSON.parse of each payload, ` +
    'new TradeExecuted(..., new Money(...), new Date(...)) by hand, folded into a plain object',
  target: () => undefined,

  eventfold: {
    prepare: prepareWithEventfold,
    async measure(run) {
      const store = await EventStore.open({ sqlite: run.file, durability: run.durability, aggregates: [TradingDesk] });
      try {
        const desks = store.repository(TradingDesk);
        return await timeLoadsOf(run.quick, () => desks.load(LOADED_DESK), LOADED_LENGTH, deskChecksum);
      } finally {
        await store.close();
      }
    },
  },

  raw: {
    async prepare(run) {
      const database = openRawEventLog(run.file, run.durability);
      try {
        const statements = prepareRawStatements(database);
        const recordedAt = new Date().toISOString();
        database
          .transaction(() => {
            for (let index = 0; index < LOADED_LENGTH; index++) {
              const fields = tradeFields(index);
              statements.insertEvent.run(uuidv7(), STREAM_TYPE, LOADED_DESK, index + 1, 'TradeExecuted', 1, JSON.stringify(fields), '{}', recordedAt);
            }
          })
          .immediate();
      } finally {
        database.close();
      }
    },
    async measure(run) {
      const database = openRawEventLog(run.file, run.durability);
      try {
        const statements = prepareRawStatements(database);
        return await timeLoadsOf(
          run.quick,
          async () => {
            const desk = { ...emptyDeskState(), version: 0 };
            for (const row of statements.readStream.all(STREAM_TYPE, LOADED_DESK, 0)) {
              if (row.event_type !== 'TradeExecuted') throw new Error(`unexpected event type ${row.event_type}`);
              const fields = JSON.parse(row.payload) as TradeFields;
              const trade = new TradeExecuted(
                fields.tradeId,
                fields.market,
                fields.volume,
                fields.side,
                new Money(fields.price.amount, fields.price.currency),
                new Date(fields.executedAt),
              );
              foldTrade(desk, trade.volume, trade.price.amount, trade.executedAt.getTime());
              desk.version = row.stream_version;
            }
            return desk;
          },
          LOADED_LENGTH,
          deskChecksum,
        );
      } finally {
        database.close();
      }
    },
  },
};
