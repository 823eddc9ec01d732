/**
 * One application node of the `pg-projection-e2e-3` workload, forked by it: it opens the store,
 * runs the order-status projection (which one node at a time holds the lease of), and on "go"
 * appends its share of the batches.
 *
 * Messages in: `{ go: number[] }` (the batch indexes to append), `{ stop: true }`.
 * Messages out: `{ ready: true }`, `{ appended: true }`, `{ stopped: maxRssKb }`.
 */
import 'reflect-metadata';
import { Dispatcher, EventStore } from '../../lib';
import { OrderFilled, OrderPlaced } from '../bench-domain';
import { OrderStatusProjection } from '../order-projections';
import { batchOfTape, streamOfBatch } from './projection-workloads';

type Message = { go: number[] } | { stop: true };

async function main(): Promise<void> {
  const [url, schema] = process.argv.slice(2);
  if (url === undefined || schema === undefined) throw new Error('usage: projection-node <postgres url> <schema>');
  const store = await EventStore.open({ postgres: url, schema, poolSize: 3, events: [OrderPlaced, OrderFilled] });
  const dispatcher = await Dispatcher.start(store, [new OrderStatusProjection()], { leaseMs: 2000 });
  process.on('message', (message: Message) => {
    void (async () => {
      if ('go' in message) {
        for (const batch of message.go) await store.append(streamOfBatch(batch), batchOfTape(batch));
        process.send?.({ appended: true });
      } else {
        await dispatcher.stop();
        await store.close();
        process.send?.({ stopped: process.resourceUsage().maxRSS }, () => process.disconnect());
      }
    })().catch(fail);
  });
  process.send?.({ ready: true });
}

function fail(error: unknown): void {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}

main().catch(fail);
