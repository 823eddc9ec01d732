// A process for the poison-event specs: it runs one subscriber whose handler kills its own process
// with SIGKILL on one chosen event, as an out-of-memory crash or a native fault would.
//
//   node poison-process.js <db> <schema|-> <handled-file> <kind> <on-failure> <poison-amount> [kill-when] [then]
//
// <kind> is "handler" (concurrency 2) or "projection" (batchSize 10). Each event is a Deposit;
// the one whose amount is <poison-amount> kills the process: on every attempt, or with
// [kill-when] "first-attempt" only while context.attempt is 1. With [then] "retry", every dead
// letter is retried once the subscriber caught up, and the outcomes are part of the report; with
// [then] "die-idle", the process stays idle once caught up until the subscriber has recorded that
// nothing is in flight, then kills itself. The handler records each event id
// it handles in <handled-file>; the projection keeps per-account totals in the table "totals".
// Once the subscriber caught up (or halted) it prints one JSON line of its stats and dead
// letters, stops and exits 0.
import 'reflect-metadata';
import { appendFileSync } from 'node:fs';
import { Dispatcher, EventHandler, EventStore, On, Projection, type FailureMode, type HandlerContext, type ProjectionContext } from '../../lib';
import { createTotalsTable, Deposit } from './subscriber-fixtures';
import { until } from './until';

async function main(): Promise<void> {
  const [db, schema, handledFile, kind, onFailure, poisonAmount, killWhen = 'always', then = ''] = process.argv.slice(2);
  const store = db!.startsWith('postgres')
    ? await EventStore.open({ postgres: db!, schema: schema!, poolSize: 4, events: [Deposit] })
    : await EventStore.open({ sqlite: db!, events: [Deposit] });
  await createTotalsTable(store);
  const poison = Number(poisonAmount);
  const kills = (event: Deposit, attempt: number) => event.amount === poison && (killWhen === 'always' || attempt === 1);
  const options = { onFailure: onFailure as FailureMode, retry: { maxAttempts: 2, initialDelayMs: 1 } };

  @EventHandler('recorder', { ...options, concurrency: 2 })
  class Recorder {
    @On(Deposit)
    deposited(event: Deposit, { eventId, attempt }: HandlerContext): void {
      if (kills(event, attempt)) process.kill(process.pid, 'SIGKILL');
      appendFileSync(handledFile!, `${eventId} ${attempt}\n`);
    }
  }

  @Projection('totals', { ...options, batchSize: 10 })
  class Totals {
    @On(Deposit)
    async deposited(event: Deposit, { db: trx, attempt }: ProjectionContext): Promise<void> {
      if (kills(event, attempt)) process.kill(process.pid, 'SIGKILL');
      await trx
        .insertInto('totals')
        .values({ account: event.account, total: event.amount, deposits: 1 })
        .onConflict((oc) => oc.column('account').doUpdateSet((eb) => ({ total: eb('totals.total', '+', event.amount), deposits: eb('totals.deposits', '+', 1) })))
        .execute();
    }
  }

  const messages: string[] = [];
  const logger = { info: () => undefined, warn: (line: string) => messages.push(line), error: (line: string) => messages.push(line) };
  const dispatcher = await Dispatcher.start(store, [kind === 'handler' ? new Recorder() : new Totals()], { leaseMs: 500, logger });
  // The lease of a killed run has to run out before this one may take over. Not waitUntilLive,
  // which refuses a halted subscriber: this one may halt at once, on the event it halted on before.
  await until(() => dispatcher.stats()[0]!.state !== 'standby', 'the lease of the killed run did not run out', 30_000);
  await dispatcher.idle();
  const retried: boolean[] = [];
  if (then === 'retry') for (const letter of await dispatcher.deadLetters()) retried.push(await dispatcher.retryDeadLetter(letter.id));
  if (then === 'die-idle') {
    // A subscriber records that nothing is in flight after a moment of idleness: an empty row, or
    // an attempt window that ends before it starts.
    const name = dispatcher.subscriberNames[0];
    const resting = async () => {
      const row = await store.db.selectFrom('eventfold_subscriptions').select('in_flight').where('name', '=', name!).executeTakeFirstOrThrow();
      const record = row.in_flight === null ? null : (JSON.parse(row.in_flight) as { from: number; to: number });
      return record === null || record.from > record.to;
    };
    await until(resting, 'the subscriber never recorded that nothing is in flight', 30_000);
    process.kill(process.pid, 'SIGKILL');
  }
  const [stats] = dispatcher.stats();
  const deadLetters = await dispatcher.deadLetters();
  await dispatcher.stop();
  await store.close();
  process.stdout.write(`${JSON.stringify({ stats, deadLetters, messages, retried })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
