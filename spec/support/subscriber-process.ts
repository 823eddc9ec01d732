// A process for the crash and lease specs: it opens an SQLite store, runs a handler that records
// each event id it sees in a file and a projection of per-stream totals, and optionally appends.
//
//   node subscriber-process.js <db> <handled-file> <append-count> <lease-ms> [schema] [segmented]
//
// <db> is an SQLite file, or a PostgreSQL URL used with [schema]. With "segmented", both
// subscribers are split into three segments.
//
// It prints "started <state>" once the dispatcher runs and "idle" once it has caught up after its
// appends; it then keeps running until killed, or exits when <append-count> is "exit".
import 'reflect-metadata';
import { appendFileSync } from 'node:fs';
import { EventStore } from '../../lib';
import { createTotalsTable, Deposit, DepositRecorder, SegmentedDepositRecorder, SegmentedTotals, Totals } from './subscriber-fixtures';

async function main(): Promise<void> {
  const [file, handledFile, appendCount, leaseMs, schema, segmented] = process.argv.slice(2);
  const store = file!.startsWith('postgres')
    ? await EventStore.open({ postgres: file!, schema, poolSize: 4, events: [Deposit] })
    : await EventStore.open({ sqlite: file!, events: [Deposit] });
  await createTotalsTable(store);
  const { Dispatcher } = await import('../../lib');
  const record = (id: string) => appendFileSync(handledFile!, `${id}\n`);
  const subscribers = segmented === 'segmented' ? [new SegmentedDepositRecorder(record), new SegmentedTotals()] : [new DepositRecorder(record), new Totals()];
  const dispatcher = await Dispatcher.start(store, subscribers, {
    leaseMs: Number(leaseMs),
    pollIntervalMs: 20,
  });
  process.stdout.write(
    `started ${dispatcher
      .stats()
      .map((s) => s.state)
      .join(',')}\n`,
  );
  // The killed holder's leases have to run out before this process may take over.
  if (appendCount === 'exit') await dispatcher.waitUntilLive({ timeoutMs: 30_000 });
  const count = appendCount === 'exit' ? 0 : Number(appendCount);
  for (let appended = 0; appended < count;) {
    const size = 1 + Math.floor(Math.random() * 20);
    const stream = `account-${Math.floor(Math.random() * 8)}`;
    await store.append(
      { type: 'Account', id: stream },
      Array.from({ length: size }, () => new Deposit(stream, 1 + Math.floor(Math.random() * 100))),
    );
    appended += size;
  }
  await dispatcher.idle();
  process.stdout.write('idle\n');
  if (appendCount === 'exit') {
    await dispatcher.stop();
    await store.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
