import type { Client } from 'pg';
import { EventStore, type StreamRef } from '../../lib';
import { OrderFilled, OrderPlaced, orderEvent } from '../bench-domain';
import { startClock, throughput } from '../timing';
import type { PostgresRun, PostgresWorkload } from './postgres-run';
import { appendRaw, insertEventsSql, rawTape, withRawClients } from './raw-postgres-log';

const WARM_UP_APPENDS = 50;
const durationMs = (quick: boolean) => (quick ? 1000 : 5000);
const streamOf = (writer: number): StreamRef => ({ type: 'MarketBook', id: `writer-${writer}` });

/**
 * Runs `append` in `writers` loops at once, each appending one event at a time to a stream of its
 * own, `WARM_UP_APPENDS` untimed, then as many as fit in the workload's time. Resolves to the
 * throughput of the timed appends.
 */
async function appendConcurrently(writers: number, quick: boolean, append: (writer: number, version: number) => Promise<void>) {
  const versions = new Array<number>(writers).fill(0);
  const appendNext = async (writer: number) => {
    await append(writer, versions[writer]!);
    versions[writer]!++;
  };
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let warmUp = 0; warmUp < WARM_UP_APPENDS; warmUp++) await appendNext(writer);
    }),
  );
  const elapsed = startClock();
  const deadline = durationMs(quick);
  let done = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      while (elapsed() < deadline) {
        await appendNext(writer);
        done++;
      }
    }),
  );
  return { ...throughput(done, elapsed()), checksum: `${writers} writer(s), one stream each` };
}

/**
 * Single-event appends by `writers` writers at once, each with a connection of its own, beside
 * the same work written by hand without any lock: whether appends gain from more writers as
 * PostgreSQL itself does (its commits share disk flushes).
 */
function concurrentSingleAppend(writers: number): PostgresWorkload {
  return {
    name: `pg-concurrent-append-${writers}`,
    label: () => `append 1 event, version check, ${writers} writer${writers === 1 ? '' : 's'} at once`,
    unit: 'events/s',
    trials: 3,
    note: (quick) =>
      `${writers} writer(s), each on its own stream, append one event at a time expecting the version it last wrote, for ` +
      `${durationMs(quick) / 1000} s after ${WARM_UP_APPENDS} warm-up appends each; eventfold: one store, a pool of ${writers + 1} connections; ` +
      `raw: ${writers} pg client(s), BEGIN, SELECT max(stream_version), INSERT RETURNING position, COMMIT (no lock, no NOTIFY)`,

    async eventfold(run: PostgresRun) {
      const store = await EventStore.open({ postgres: run.url, schema: run.schema, poolSize: writers + 1, events: [OrderPlaced, OrderFilled] });
      try {
        return await appendConcurrently(writers, run.quick, async (writer, version) => {
          await store.append(streamOf(writer), [orderEvent(version)], { expectedVersion: version });
        });
      } finally {
        await store.close();
      }
    },

    async raw(run: PostgresRun) {
      return withRawClients(run, writers, async (clients: readonly Client[]) => {
        const insertSql = insertEventsSql(1);
        return appendConcurrently(writers, run.quick, async (writer, version) => {
          await appendRaw(clients[writer]!, streamOf(writer), rawTape(version, 1), insertSql);
        });
      });
    },
  };
}

/** Single-event appends by 1, 4 and 16 writers at once. */
export const postgresConcurrentAppends: readonly PostgresWorkload[] = [1, 4, 16].map(concurrentSingleAppend);
