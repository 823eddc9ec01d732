import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventStore } from '../../lib';
import { dropSchemas, postgresUrlOrReportSkip, temporaryFolder, uniqueSchema } from '../support/backends';
import { createTotalsTable, Deposit } from '../support/subscriber-fixtures';
import { until } from '../support/until';

const script = join(__dirname, '..', 'support', 'subscriber-process.js');

function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
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
        const deposit = async (n: number) => (await store.append({ type: 'Account', id: `acc-${n % 3}` }, [new Deposit(`acc-${n % 3}`, n)])).events[0]!.eventId;
        const first: string[] = [];
        for (let n = 0; n < 50; n++) first.push(await deposit(n));
        await until(() => lines(handledByA).length >= 50, 'the holder did not handle the first 50 events');
        // With the holder's checkpoint stored at 50, the other process takes over after them: any
        // of the first 50 in its file, it handled while the holder held the lease.
        const checkpoint = async () =>
          Number((await store.db.selectFrom('eventfold_subscriptions').select('position').where('name', '=', 'deposit-recorder').executeTakeFirst())?.position ?? 0);
        await until(async () => (await checkpoint()) === 50, "the holder's checkpoint was not saved");

        a.kill('SIGKILL');
        const killedAt = Date.now();
        const second: string[] = [];
        for (let n = 50; n < 100; n++) second.push(await deposit(n));
        await until(() => lines(handledByB).length >= 50, 'the other process did not take over');
        const takeoverMs = Date.now() - killedAt;

        expect(takeoverMs).to.be.below(3000);
        expect(lines(handledByA).sort()).to.deep.equal([...first].sort());
        expect(lines(handledByB).sort()).to.deep.equal([...second].sort());
      } finally {
        a.kill('SIGKILL');
        b.kill('SIGKILL');
        await store.close();
        await dispose();
      }
    });
  });
}
