import { expect } from 'chai';
import { join } from 'node:path';
import { listDeadlines } from '../../../lib/process-managers/deadlines/deadline-table';
import { postgresUrlOrReportSkip, temporaryFolder } from '../../support/backends';
import { processDatabases } from '../../support/process-databases';
import { until } from '../../support/until';
import { WriterProcess } from '../../support/writer-process';
import { createEffectsTable, deliveriesStoppedAfterEach, EXPIRY, readEffects, receiver, recordEffect, schedule } from './deadline-fixtures';
import type { DeadlineProcessMessage } from './deadline-process';

const script = join(__dirname, 'deadline-process.js');

for (const database of processDatabases('deadlines.db', postgresUrlOrReportSkip())) {
  describe(`Deadline delivery in processes sharing ${database.name}`, function () {
    this.timeout(60_000);
    let folder: ReturnType<typeof temporaryFolder>;
    const processes: Array<WriterProcess<DeadlineProcessMessage>> = [];
    const deliveryOn = deliveriesStoppedAfterEach();
    beforeEach(() => (folder = temporaryFolder()));
    afterEach(() => {
      processes.splice(0).forEach((child) => child.kill());
      folder.remove();
    });

    function startProcess(name: string, mode: 'deliver' | 'hang', args: string[]): WriterProcess<DeadlineProcessMessage> {
      const child = new WriterProcess<DeadlineProcessMessage>(script, name, [...args, name, mode]);
      processes.push(child);
      return child;
    }

    it('deliver each of 300 deadlines exactly once between two processes', async () => {
      const opened = await database.open(folder.path);
      const { store, args } = opened;
      try {
        await createEffectsTable(store.db);
        const now = Date.now();
        for (let index = 0; index < 300; index++) await schedule(store, `o-${index}`, now - 10_000 + index);
        const [a, b] = [startProcess('a', 'deliver', args), startProcess('b', 'deliver', args)];
        expect(await a.next()).to.deep.equal({ started: true });
        expect(await b.next()).to.deep.equal({ started: true });
        await until(async () => (await listDeadlines(store.eventfoldDb, { processManager: EXPIRY })).length === 0, 'the deadlines were not all delivered', 30_000);
        a.go();
        b.go();
        const delivered = [(await a.next()) as { stopped: number }, (await b.next()) as { stopped: number }].map((message) => message.stopped);

        const effects = await readEffects(store.db);
        expect(effects).to.have.length(300);
        expect(new Set(effects.map((effect) => effect.deadlineId)).size).to.equal(300);
        expect(delivered[0]! + delivered[1]!).to.equal(300);
      } finally {
        await store.close();
        await opened.dispose();
      }
    });

    it('deliver each deadline exactly once across processes killed at random points', async () => {
      const opened = await database.open(folder.path);
      const { store, args } = opened;
      try {
        await createEffectsTable(store.db);
        const now = Date.now();
        for (let index = 0; index < 400; index++) await schedule(store, `o-${index}`, now - 10_000 + index);
        const effectCount = async () => (await readEffects(store.db)).length;
        for (let run = 0; run < 4; run++) {
          const child = startProcess(`run-${run}`, 'deliver', args);
          expect(await child.next()).to.deep.equal({ started: true });
          const target = Math.min(400, (await effectCount()) + 10 + Math.floor(Math.random() * 60));
          await until(async () => (await effectCount()) >= target, `run ${run} delivered nothing`, 30_000);
          child.kill();
        }
        const last = startProcess('last', 'deliver', args);
        expect(await last.next()).to.deep.equal({ started: true });
        await until(async () => (await listDeadlines(store.eventfoldDb, { processManager: EXPIRY })).length === 0, 'the deadlines were not all delivered', 30_000);
        last.go();
        await last.next();

        const effects = await readEffects(store.db);
        expect(effects).to.have.length(400);
        expect(new Set(effects.map((effect) => effect.deadlineId)).size).to.equal(400);
      } finally {
        await store.close();
        await opened.dispose();
      }
    });

    it('deliver once, in the next process, a deadline whose delivering process was killed mid-transaction', async () => {
      const opened = await database.open(folder.path);
      const { store, args } = opened;
      try {
        await createEffectsTable(store.db);
        const id = await schedule(store, 'o-1', Date.now() - 1_000);
        const killed = startProcess('killed', 'hang', args);
        expect(await killed.next()).to.deep.equal({ started: true });
        expect(await killed.next()).to.deep.equal({ inside: id });
        killed.kill();

        const delivery = deliveryOn(store, { processManagers: new Map([[EXPIRY, receiver(recordEffect('next'))]]), pollIntervalMs: 20 });
        delivery.start();
        await until(async () => (await listDeadlines(store.eventfoldDb, { processManager: EXPIRY })).length === 0, 'the deadline was not delivered again');
        await delivery.stop();
        expect((await readEffects(store.db)).map(({ deadlineId, deliveredBy }) => ({ deadlineId, deliveredBy }))).to.deep.equal([
          { deadlineId: id, deliveredBy: 'next' },
        ]);
      } finally {
        await store.close();
        await opened.dispose();
      }
    });
  });
}
