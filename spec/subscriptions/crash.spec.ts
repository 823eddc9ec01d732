import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dispatcher, EventStore } from '../../lib';
import { temporaryFolder } from '../support/backends';
import { collect } from '../support/expect-rejection';
import { createTotalsTable, Deposit, readTotals, Totals } from '../support/subscriber-fixtures';
import { until } from '../support/until';
import { startPrintingChild, type PrintingChild } from '../support/printing-child';

const script = join(__dirname, '..', 'support', 'subscriber-process.js');

/** Starts the subscriber process. */
function run(args: string[]): PrintingChild {
  return startPrintingChild(script, args);
}

describe('Subscribers after SIGKILL', function () {
  this.timeout(120_000);
  let folder: ReturnType<typeof temporaryFolder>;
  beforeEach(() => (folder = temporaryFolder()));
  afterEach(() => folder.remove());

  it('redeliver so every handler sees every event and every projection equals a rebuild', async () => {
    const file = join(folder.path, 'crash.db');
    const handledFile = join(folder.path, 'handled.txt');
    const watcher = await EventStore.open({ sqlite: file });
    await createTotalsTable(watcher);

    const runs = 6;
    let current: ChildProcess | undefined;
    try {
      for (let attempt = 0; attempt < runs; attempt++) {
        const { child, printed, exited } = run([file, handledFile, '3000', '300']);
        current = child;
        await printed('started');
        // Kill somewhere in the middle of appending and handling: once the run has appended a
        // random number of events (it appends up to 3,000).
        const target = (await watcher.headPosition()) + 20 + Math.floor(Math.random() * 300);
        await until(async () => child.exitCode !== null || (await watcher.headPosition()) >= target, 'the run did not append');
        expect(child.exitCode, 'the run ended before it was killed').to.equal(null);
        child.kill('SIGKILL');
        await exited;
      }
    } finally {
      current?.kill('SIGKILL');
      await watcher.close();
    }
    // A last, clean run delivers whatever the killed runs left unfinished.
    const last = run([file, handledFile, 'exit', '300']);
    await last.printed('idle');
    expect(await last.exited).to.equal(0);

    const store = await EventStore.open({ sqlite: file, events: [Deposit] });
    const events = await collect(store.readAll());
    const handled = new Set(existsSync(handledFile) ? readFileSync(handledFile, 'utf8').split('\n').filter(Boolean) : []);
    expect(events.length).to.be.at.least(runs * 20);
    expect(events.filter((recorded) => !handled.has(recorded.eventId))).to.deep.equal([]);

    const live = await readTotals(store);
    const expected = new Map<string, { total: number; deposits: number }>();
    for (const { event } of events) {
      const { account, amount } = event as Deposit;
      const entry = expected.get(account) ?? { total: 0, deposits: 0 };
      expected.set(account, { total: entry.total + amount, deposits: entry.deposits + 1 });
    }
    expect(live).to.deep.equal([...expected].map(([account, totals]) => ({ account, ...totals })).sort((a, b) => a.account.localeCompare(b.account)));

    const dispatcher = await Dispatcher.start(store, [new Totals()]);
    await dispatcher.rebuild('totals');
    expect(await readTotals(store)).to.deep.equal(live);
    await dispatcher.stop();
    await store.close();
  });
});
