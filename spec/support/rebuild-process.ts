// A process for the blue/green crash spec: it opens an SQLite store, runs BgBalances, starts a
// rebuild of it and stops for good in the middle of the replay, inside a batch's transaction,
// for the spec to kill it there.
//
//   node rebuild-process.js <db> <lease-ms> <hold-at>
//
// It prints "held" once the replay reached the event numbered <hold-at>.
import 'reflect-metadata';
import { Dispatcher, EventStore } from '../../lib';
import { BgBalances, BgDeposited } from './blue-green-fixtures';

async function main(): Promise<void> {
  const [file, leaseMs, holdAt] = process.argv.slice(2);
  const store = await EventStore.open({ sqlite: file!, events: [BgDeposited] });
  const dispatcher = await Dispatcher.start(store, [new BgBalances()], { leaseMs: Number(leaseMs), logger: false });
  await dispatcher.waitUntilLive({ timeoutMs: 30_000 });
  BgBalances.onEvent = async (event) => {
    if (event.n !== Number(holdAt)) return;
    process.stdout.write('held\n');
    await new Promise(() => undefined);
  };
  await dispatcher.rebuild('bg-balances', { batchSize: 100 });
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
