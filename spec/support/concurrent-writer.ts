// A writer process for the concurrent-writers spec: appends to one shared stream with optimistic
// concurrency until it has stored its quota, and reports what it stored and how often it lost.
import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { v7 as uuidv7 } from 'uuid';
import { ConcurrencyError, EventStore } from '../../lib';
import { OrderFilled } from './domain';

async function main(): Promise<void> {
  const [file, name, quotaText, startFile] = process.argv.slice(2);
  const quota = Number(quotaText);
  const store = await EventStore.open({ sqlite: file!, events: [OrderFilled] });
  const stream = { type: 'Order', id: 'shared' };
  while (!existsSync(startFile!)) await new Promise((resolve) => setTimeout(resolve, 2));
  const stored: string[] = [];
  let conflicts = 0;
  while (stored.length < quota) {
    const version = await store.streamVersion(stream);
    const size = Math.min(quota - stored.length, 1 + (stored.length % 3));
    const batch = Array.from({ length: size }, () => ({ event: new OrderFilled(1), id: uuidv7(), metadata: { writer: name } }));
    try {
      await store.append(stream, batch, { expectedVersion: version });
      stored.push(...batch.map((item) => item.id));
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      conflicts++;
    }
  }
  await store.close();
  process.stdout.write(JSON.stringify({ name, stored, conflicts }));
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
