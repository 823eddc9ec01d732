// A process for the graceful-shutdown specs: it runs one handler, with stopOnSignals, that records
// each event it handles and holds on to one chosen event until told to go on.
//
//   node shutdown-process.js <db> <schema|-> <handled-file> <hold-position> <shutdown-timeout-ms> [listen]
//
// <db> is an SQLite file, or a PostgreSQL URL used with <schema>. The handler (concurrency 1)
// appends "<position> <event id>" to <handled-file> as each event finishes. At <hold-position> it
// prints "holding <position>" and waits for a line on stdin before it finishes that event. The
// dispatcher logs through console; onShutdown prints "shutdown <signal>" and closes the store.
// With [listen], the application listens to SIGTERM itself, as one that closes a server would: it
// prints "application saw SIGTERM", and keeps the process alive with a timer until onShutdown ran.
import 'reflect-metadata';
import { appendFileSync } from 'node:fs';
import { once } from 'node:events';
import { Dispatcher, EventHandler, EventStore, On, type HandlerContext } from '../../lib';
import { Deposit } from './subscriber-fixtures';

/** Long enough that only a released lease lets another process take over during a spec. */
const LEASE_MS = 60_000;

async function main(): Promise<void> {
  const [db, schema, handledFile, holdPosition, shutdownTimeoutMs, listen] = process.argv.slice(2);
  const store = db!.startsWith('postgres')
    ? await EventStore.open({ postgres: db!, schema: schema!, poolSize: 4, events: [Deposit] })
    : await EventStore.open({ sqlite: db!, events: [Deposit] });
  const hold = Number(holdPosition);

  @EventHandler('shutdown-recorder', { concurrency: 1 })
  class Recorder {
    @On(Deposit)
    async deposited(_event: Deposit, { position, eventId }: HandlerContext): Promise<void> {
      if (position === hold) {
        process.stdout.write(`holding ${position}\n`);
        await once(process.stdin, 'data');
      }
      appendFileSync(handledFile!, `${position} ${eventId}\n`);
    }
  }

  const keepAlive = listen === 'listen' ? setInterval(() => undefined, 1000) : undefined;
  if (listen === 'listen') process.on('SIGTERM', () => process.stdout.write('application saw SIGTERM\n'));
  await Dispatcher.start(store, [new Recorder()], {
    leaseMs: LEASE_MS,
    pollIntervalMs: 20,
    stopOnSignals: true,
    shutdownTimeoutMs: Number(shutdownTimeoutMs),
    onShutdown: async (signal) => {
      process.stdout.write(`shutdown ${signal}\n`);
      await store.close();
      clearInterval(keepAlive);
      // stdin is read only while an event is held; the process must not wait on it to end.
      process.stdin.destroy();
    },
  });
  process.stdout.write('started\n');
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
