// A process for the deadline process specs: it opens a store and delivers the deadlines of
// order-expiry, writing each delivery's effect in its transaction (see deadline-fixtures.ts).
//
//   node deadline-process.js <db> <schema or -> <name> <mode>
//
// <db> is an SQLite file, or a PostgreSQL URL used with <schema>. In mode "deliver" it delivers
// until the spec says GO, then stops, tells { stopped: how many it delivered } and exits; in mode "hang" each delivery writes its effect, tells
// the spec { inside: id } and waits forever, for the spec to kill the process mid-transaction.
import 'reflect-metadata';
import { EventStore } from '../../../lib';
import { DeadlineDelivery } from '../../../lib/process-managers/deadlines/deadline-delivery';
import { GO, stepChannel } from '../../support/step-channel';
import { createEffectsTable, EXPIRY, receiver, recordEffect } from './deadline-fixtures';

/** What the process tells the spec. */
export type DeadlineProcessMessage = { readonly started: true } | { readonly inside: string } | { readonly stopped: number };

async function main(): Promise<void> {
  const [database, schema, name, mode] = process.argv.slice(2) as [string, string, string, string];
  const store = database.startsWith('postgres') ? await EventStore.open({ postgres: database, schema, poolSize: 2 }) : await EventStore.open({ sqlite: database });
  await createEffectsTable(store.db);
  const { send } = stepChannel<DeadlineProcessMessage>('deadline-process.js');
  const hang = recordEffect(name, Date.now, async (_, due) => {
    await send({ inside: due.id });
    await new Promise(() => undefined);
  });
  const delivery = new DeadlineDelivery({
    backend: store.backend,
    processManagers: new Map([[EXPIRY, receiver(mode === 'hang' ? hang : recordEffect(name))]]),
    pollIntervalMs: 20,
    onError: (error) => process.stderr.write(`${String(error)}\n`),
  });
  process.on('message', (message) => {
    if (message !== GO) return;
    void delivery
      .stop()
      .then(() => send({ stopped: delivery.stats(EXPIRY).delivered }))
      .then(() => store.close())
      .then(() => process.exit(0));
  });
  delivery.start();
  await send({ started: true });
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
