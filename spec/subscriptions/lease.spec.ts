import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventStore } from '../../lib';
import { dropSchemas, postgresUrlOrReportSkip, temporaryFolder, uniqueSchema } from '../support/backends';
import { createTotalsTable, Deposit } from '../support/subscriber-fixtures';

const script = join(__dirname, '..', 'support', 'subscriber-process.js');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

async function until(condition: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
  return Date.now() - started;
}

interface Database {
  readonly name: string;
  /** Opens the database for the spec's own reads and appends, and says how processes reach it. */
  open(folder: string): Promise<{ store: EventStore; args: (handledFile: string) => string[]; dispose: () => Promise<void> }>;
}

const sqlite: Database = {
  name: 'one SQLite file',
  async open(folder) {
    const file = join(folder, 'shared.db');
    const store = await EventStore.open({ sqlite: file, events: [Deposit] });
    return { store, args: (handled) => [file, handled, '0', '500'], dispose: async () => undefined };
  },
};

function postgres(url: string): Database {
  return {
    name: 'one PostgreSQL schema',
    async open() {
      const schema = uniqueSchema();
      const store = await EventStore.open({ postgres: url, schema, poolSize: 2, events: [Deposit] });
      return { store, args: (handled) => [url, handled, '0', '500', schema], dispose: () => dropSchemas(url, [schema]) };
    },
  };
}

const url = postgresUrlOrReportSkip();
for (const database of url ? [sqlite, postgres(url)] : [sqlite]) {
  describe(`Two processes sharing ${database.name}`, function () {
    this.timeout(60_000);
    let folder: ReturnType<typeof temporaryFolder>;
    beforeEach(() => (folder = temporaryFolder()));
    afterEach(() => folder.remove());

    it('run each subscriber in one of them at a time, and the other takes over when the holder dies', async () => {
      const [handledByA, handledByB] = [join(folder.path, 'a.txt'), join(folder.path, 'b.txt')];
      const { store, args, dispose } = await database.open(folder.path);
      await createTotalsTable(store);
      const a = spawn(process.execPath, [script, ...args(handledByA)], { stdio: ['ignore', 'pipe', 'inherit'] });
      const aStarted = new Promise((resolve) => a.stdout.once('data', resolve));
      await aStarted;
      const b = spawn(process.execPath, [script, ...args(handledByB)], { stdio: ['ignore', 'pipe', 'inherit'] });
      const bStarted = await new Promise<string>((resolve) => b.stdout.once('data', (chunk) => resolve(String(chunk))));
      try {
        expect(bStarted).to.contain('standby');
        const deposit = (n: number) => store.append({ type: 'Account', id: `acc-${n % 3}` }, [new Deposit(`acc-${n % 3}`, n)]);
        for (let n = 0; n < 50; n++) await deposit(n);
        await until(() => lines(handledByA).length >= 50, 10_000);
        await sleep(200);
        expect(lines(handledByB)).to.deep.equal([]);

        a.kill('SIGKILL');
        const killedAt = Date.now();
        for (let n = 50; n < 100; n++) await deposit(n);
        await until(() => lines(handledByB).length >= 50, 10_000);
        const takeoverMs = Date.now() - killedAt;

        expect(takeoverMs).to.be.below(3000);
        const handled = new Set([...lines(handledByA), ...lines(handledByB)]);
        const ids: string[] = [];
        for await (const recorded of store.readAll()) ids.push(recorded.eventId);
        expect(ids.filter((id) => !handled.has(id))).to.deep.equal([]);
      } finally {
        a.kill('SIGKILL');
        b.kill('SIGKILL');
        await store.close();
        await dispose();
      }
    });
  });
}
