// A writer process for the concurrent-writers spec. It appends to one shared stream of an SQLite
// file with optimistic concurrency, and does each step only when the spec says 'go' over the
// IPC channel, so that the two writers start each step together without a timer deciding who
// goes when:
//
//   fork('concurrent-writer.js', [<db>, <name>, <quota>, <forced-rounds>])
//
// 1. It says 'started' and, at 'go', opens the store: both writers race to create the schema of
//    the new file.
// 2. Each of <forced-rounds> rounds: it reads the stream's version, says 'read' with it and, at
//    'go', appends with that version expected. Neither appends before both have read, so both
//    expect the same version and exactly one of them meets a ConcurrencyError.
// 3. It says 'racing' and, at 'go', appends freely, racing the other, until it has stored
//    <quota> events; then it sends its report and leaves.
import 'reflect-metadata';
import { v7 as uuidv7 } from 'uuid';
import { ConcurrencyError, EventStore } from '../../lib';
import { type Outcome, type WriterMessage } from './concurrent-writer-protocol';
import { stepChannel } from './step-channel';
import { OrderFilled } from './domain';

const stream = { type: 'Order', id: 'shared' };

const { send, announce } = stepChannel<WriterMessage>('concurrent-writer.js');

async function main(): Promise<void> {
  const [file, name, quotaText, roundsText] = process.argv.slice(2);
  const quota = Number(quotaText);
  const rounds = Number(roundsText);
  const stored: string[] = [];

  /** Appends the next batch (one to three events, never past the quota) expecting `version`. */
  const append = async (store: EventStore, version: number): Promise<Outcome> => {
    const size = Math.min(quota - stored.length, 1 + (stored.length % 3));
    const batch = Array.from({ length: size }, () => ({ event: new OrderFilled(1), id: uuidv7(), metadata: { writer: name } }));
    try {
      await store.append(stream, batch, { expectedVersion: version });
    } catch (error) {
      if (error instanceof ConcurrencyError) return 'conflict';
      throw error;
    }
    stored.push(...batch.map((item) => item.id));
    return 'stored';
  };

  await announce({ step: 'started' });
  const store = await EventStore.open({ sqlite: file!, events: [OrderFilled] });
  const forced: Outcome[] = [];
  for (let round = 0; round < rounds; round++) {
    const version = await store.streamVersion(stream);
    await announce({ step: 'read', version });
    forced.push(await append(store, version));
  }
  await announce({ step: 'racing' });
  let racingConflicts = 0;
  while (stored.length < quota) {
    if ((await append(store, await store.streamVersion(stream))) === 'conflict') racingConflicts++;
  }
  await store.close();
  await send({ step: 'done', report: { name: name!, stored, forced, racingConflicts } });
  process.disconnect();
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
