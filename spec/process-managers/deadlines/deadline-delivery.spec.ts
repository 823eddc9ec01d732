import { expect } from 'chai';
import { sql } from 'kysely';
import type { EventStore } from '../../../lib';
import { DeadlineFailedError, DeadlineTimeoutError } from '../../../lib/process-managers/deadlines/deadline-errors';
import { cancelDeadline, cancelDeadlinesOf, listDeadlines, scheduleDeadline } from '../../../lib/process-managers/deadlines/deadline-table';
import type { DueDeadline } from '../../../lib/process-managers/deadlines/due-deadline';
import { forEachBackend } from '../../support/backends';
import { deferred } from '../../support/deferred';
import { until } from '../../support/until';
import { createEffectsTable, deliveriesStoppedAfterEach, EXPIRY, FakeClock, readEffects, receiver, recordEffect, schedule } from './deadline-fixtures';

forEachBackend('Deadline delivery', (backend) => {
  describe('DeadlineDelivery', () => {
    const deliveryOn = deliveriesStoppedAfterEach();

    async function openStore(): Promise<EventStore> {
      const store = await backend.open();
      await createEffectsTable(store.db);
      return store;
    }

    const pending = (store: EventStore) => listDeadlines(store.eventfoldDb, { processManager: EXPIRY });

    it('never delivers a deadline before its due time by its clock', async () => {
      const store = await openStore();
      const clock = new FakeClock(1_000);
      await schedule(store, 'o-1', 5_000);
      const delivery = deliveryOn(store, { processManagers: new Map([[EXPIRY, receiver(recordEffect('spec', clock.now))]]), now: clock.now });
      delivery.start();
      await delivery.deliverDue();
      clock.nowMs = 4_999;
      await delivery.deliverDue();
      expect(await readEffects(store.db)).to.deep.equal([]);

      clock.nowMs = 5_000;
      await delivery.deliverDue();
      const effects = await readEffects(store.db);
      expect(effects.map(({ instanceKey, payload, deliveredAt }) => ({ instanceKey, payload, deliveredAt }))).to.deep.equal([
        { instanceKey: 'o-1', payload: { key: 'o-1' }, deliveredAt: 5_000 },
      ]);
      expect(await pending(store)).to.deep.equal([]);
    });

    it('delivers what is due within deliverDue when it was not started, as a test with a clock does', async () => {
      const store = await openStore();
      const clock = new FakeClock(1_000);
      await schedule(store, 'o-1', 1_000);
      await schedule(store, 'o-2', 1_001);
      const delivery = deliveryOn(store, { processManagers: new Map([[EXPIRY, receiver(recordEffect('spec', clock.now))]]), now: clock.now });
      await delivery.deliverDue();
      expect((await readEffects(store.db)).map((effect) => effect.instanceKey)).to.deep.equal(['o-1']);
    });

    it('delivers due deadlines the first due first, and only those of its process managers', async () => {
      const store = await openStore();
      const dueTimes = Array.from({ length: 30 }, (_, index) => 1_000 + ((index * 7919) % 500));
      for (const [index, dueAt] of dueTimes.entries()) await schedule(store, `o-${index}`, dueAt);
      await store.eventfoldTransaction((trx) => scheduleDeadline(trx, { processManager: 'stop-loss', instanceKey: 'p-1', name: 'sell', dueAt: 1, now: new Date() }));
      const clock = new FakeClock(2_000);
      const delivery = deliveryOn(store, { processManagers: new Map([[EXPIRY, receiver(recordEffect('spec', clock.now))]]), now: clock.now });
      delivery.start();
      await delivery.deliverDue();
      const effects = await readEffects(store.db);
      expect(effects.map((effect) => effect.dueAt)).to.deep.equal([...dueTimes].sort((a, b) => a - b));
      expect((await listDeadlines(store.eventfoldDb, { processManager: 'stop-loss' })).map((deadline) => deadline.name)).to.deep.equal(['sell']);
    });

    it('delivers a deadline it is woken for at its time, without waiting for a poll', async () => {
      const store = await openStore();
      const delivered = deferred<DueDeadline>();
      const deliver = recordEffect('spec', Date.now, async (_, due) => delivered.resolve(due));
      const delivery = deliveryOn(store, { processManagers: new Map([[EXPIRY, receiver(deliver)]]), pollIntervalMs: 2 ** 31 - 1 });
      delivery.start();
      await delivery.deliverDue();
      const dueAt = Date.now() + 50;
      await schedule(store, 'o-1', dueAt);
      delivery.wake(dueAt);
      expect((await delivered.promise).instanceKey).to.equal('o-1');
      const [effect] = await readEffects(store.db);
      expect(effect!.deliveredAt).to.be.at.least(dueAt);
    });

    it('delivers after a restart that happened before the deadlines were due', async () => {
      const store = await openStore();
      const clock = new FakeClock(1_000);
      await schedule(store, 'o-1', 2_000);
      const first = deliveryOn(store, { processManagers: new Map([[EXPIRY, receiver(recordEffect('first', clock.now))]]), now: clock.now });
      first.start();
      await first.deliverDue();
      await first.stop();
      await store.close();

      clock.nowMs = 1_500;
      const reopened = await backend.reopen();
      const second = deliveryOn(reopened, { processManagers: new Map([[EXPIRY, receiver(recordEffect('second', clock.now))]]), now: clock.now });
      second.start();
      await second.deliverDue();
      expect(await readEffects(reopened.db)).to.deep.equal([]);
      clock.nowMs = 2_000;
      await second.deliverDue();
      expect((await readEffects(reopened.db)).map(({ instanceKey, deliveredBy }) => ({ instanceKey, deliveredBy }))).to.deep.equal([
        { instanceKey: 'o-1', deliveredBy: 'second' },
      ]);
    });

    it('delivers on start, first due first, what fell due while no process ran, and reports how late', async () => {
      const store = await openStore();
      const clock = new FakeClock(1_000);
      await schedule(store, 'o-late', 2_500);
      await schedule(store, 'o-early', 2_000);
      const first = deliveryOn(store, { processManagers: new Map([[EXPIRY, receiver(recordEffect('first', clock.now))]]), now: clock.now });
      first.start();
      await first.deliverDue();
      await first.stop();
      await store.close();

      clock.nowMs = 5_000;
      const reopened = await backend.reopen();
      const second = deliveryOn(reopened, { processManagers: new Map([[EXPIRY, receiver(recordEffect('second', clock.now))]]), now: clock.now });
      second.start();
      await second.deliverDue();
      expect((await readEffects(reopened.db)).map((effect) => effect.instanceKey)).to.deep.equal(['o-early', 'o-late']);
      expect(second.stats(EXPIRY)).to.deep.equal({ delivered: 2, retried: 0, failed: 0, lagMs: 2_500 });
    });

    it('reports as its lag how long ago the first deadline still waiting fell due', async () => {
      const store = await openStore();
      await schedule(store, 'o-1', 1_000);
      await schedule(store, 'o-2', 2_000);
      const clock = new FakeClock(5_000);
      const entered = deferred();
      const gate = deferred();
      const held = recordEffect('spec', clock.now, async (_, due) => {
        if (due.instanceKey !== 'o-1') return;
        entered.resolve();
        await gate.promise;
      });
      const delivery = deliveryOn(store, { processManagers: new Map([[EXPIRY, receiver(held)]]), now: clock.now });
      delivery.start();
      await entered.promise;
      expect(delivery.stats(EXPIRY).lagMs).to.equal(4_000);
      clock.nowMs = 6_000;
      expect(delivery.stats(EXPIRY).lagMs).to.equal(5_000);
      gate.resolve();
      await delivery.deliverDue();
      expect(delivery.stats(EXPIRY)).to.deep.equal({ delivered: 2, retried: 0, failed: 0, lagMs: 4_000 });
    });

    it('never delivers a cancelled deadline', async () => {
      const store = await openStore();
      await schedule(store, 'o-1', 2_000);
      await schedule(store, 'o-2', 2_000);
      await schedule(store, 'o-2', 2_000, {}, 'remind');
      expect(await store.eventfoldTransaction((trx) => cancelDeadline(trx, EXPIRY, 'o-1', 'expire'))).to.equal(true);
      expect(await store.eventfoldTransaction((trx) => cancelDeadline(trx, EXPIRY, 'o-1', 'expire'))).to.equal(false);
      expect(await store.eventfoldTransaction((trx) => cancelDeadlinesOf(trx, EXPIRY, 'o-2'))).to.equal(2);
      const clock = new FakeClock(10_000);
      const delivery = deliveryOn(store, { processManagers: new Map([[EXPIRY, receiver(recordEffect('spec', clock.now))]]), now: clock.now });
      delivery.start();
      await delivery.deliverDue();
      expect(await readEffects(store.db)).to.deep.equal([]);
    });

    it('delivers a deadline scheduled again only at its new time, with its new payload', async () => {
      const store = await openStore();
      await schedule(store, 'o-1', 2_000, { limit: 1 });
      await schedule(store, 'o-1', 4_000, { limit: 2 });
      const clock = new FakeClock(3_000);
      const delivery = deliveryOn(store, { processManagers: new Map([[EXPIRY, receiver(recordEffect('spec', clock.now))]]), now: clock.now });
      delivery.start();
      await delivery.deliverDue();
      expect(await readEffects(store.db)).to.deep.equal([]);
      clock.nowMs = 4_000;
      await delivery.deliverDue();
      expect((await readEffects(store.db)).map(({ payload, dueAt }) => ({ payload, dueAt }))).to.deep.equal([{ payload: { limit: 2 }, dueAt: 4_000 }]);
    });

    it('keeps the deadline a delivery schedules again under its own name', async () => {
      const store = await openStore();
      await schedule(store, 'o-1', 2_000);
      const clock = new FakeClock(2_000);
      const again = recordEffect('spec', clock.now, async (trx, due) => {
        await scheduleDeadline(trx, {
          processManager: EXPIRY,
          instanceKey: due.instanceKey,
          name: due.name,
          dueAt: due.dueAt.getTime() + 1_000,
          payload: 'again',
          now: new Date(),
        });
      });
      const delivery = deliveryOn(store, { processManagers: new Map([[EXPIRY, receiver(again)]]), now: clock.now });
      delivery.start();
      await delivery.deliverDue();
      expect((await pending(store)).map(({ dueAt, payload }) => ({ dueAt: dueAt.getTime(), payload }))).to.deep.equal([{ dueAt: 3_000, payload: 'again' }]);
      expect(await readEffects(store.db)).to.have.length(1);
    });

    it('undoes a failing delivery, retries it by its policy, then keeps it as failed and says so', async () => {
      const store = await openStore();
      await schedule(store, 'o-1', 1_000);
      const clock = new FakeClock(1_000);
      const reported: Array<{ error: unknown; processManager: string | undefined }> = [];
      const failing = recordEffect('spec', clock.now, async () => {
        throw new Error('exchange down');
      });
      const delivery = deliveryOn(store, {
        processManagers: new Map([[EXPIRY, receiver(failing, { initialDelayMs: 100, factor: 2, maxAttempts: 3 })]]),
        now: clock.now,
        onError: (error, processManager) => reported.push({ error, processManager }),
      });
      delivery.start();
      const attemptsAt = async (nowMs: number) => {
        clock.nowMs = nowMs;
        await delivery.deliverDue();
        return (await pending(store)).map(({ attempts, dueAt, status, lastError }) => ({ attempts, dueAt: dueAt.getTime(), status, lastError }));
      };
      expect(await attemptsAt(1_000)).to.deep.equal([{ attempts: 1, dueAt: 1_100, status: 'pending', lastError: 'exchange down' }]);
      expect(await attemptsAt(1_099)).to.deep.equal([{ attempts: 1, dueAt: 1_100, status: 'pending', lastError: 'exchange down' }]);
      expect(await attemptsAt(1_100)).to.deep.equal([{ attempts: 2, dueAt: 1_300, status: 'pending', lastError: 'exchange down' }]);
      expect(reported).to.deep.equal([]);
      expect(await attemptsAt(1_300)).to.deep.equal([{ attempts: 3, dueAt: 1_300, status: 'failed', lastError: 'exchange down' }]);
      expect(await attemptsAt(100_000)).to.deep.equal([{ attempts: 3, dueAt: 1_300, status: 'failed', lastError: 'exchange down' }]);

      expect(await readEffects(store.db)).to.deep.equal([]);
      expect(reported).to.have.length(1);
      const [{ error, processManager }] = reported as [(typeof reported)[number]];
      expect(processManager).to.equal(EXPIRY);
      expect(error).to.be.instanceOf(DeadlineFailedError);
      expect((error as DeadlineFailedError).message)
        .to.contain("deadline 'expire' of order-expiry 'o-1'")
        .and.contain('exchange down');
      expect(delivery.stats(EXPIRY)).to.deep.equal({ delivered: 0, retried: 2, failed: 1, lagMs: 0 });
    });

    it('delivers several due deadlines per transaction when asked, a failing one undoing none of the others', async () => {
      const store = await openStore();
      for (let index = 0; index < 7; index++) await schedule(store, `o-${index}`, 1_000 + index);
      const clock = new FakeClock(2_000);
      const failOne = recordEffect('spec', clock.now, async (_, due) => {
        if (due.instanceKey === 'o-2') throw new Error('exchange down');
      });
      const delivery = deliveryOn(store, { processManagers: new Map([[EXPIRY, receiver(failOne)]]), now: clock.now, deadlinesPerTransaction: 5 });
      delivery.start();
      await delivery.deliverDue();
      expect((await readEffects(store.db)).map((effect) => effect.instanceKey)).to.deep.equal(['o-0', 'o-1', 'o-3', 'o-4', 'o-5', 'o-6']);
      expect((await pending(store)).map(({ instanceKey, attempts }) => ({ instanceKey, attempts }))).to.deep.equal([{ instanceKey: 'o-2', attempts: 1 }]);
      expect(delivery.stats(EXPIRY)).to.deep.equal({ delivered: 6, retried: 1, failed: 0, lagMs: 994 });
    });

    it('records the failure of a delivery whose SQL failed, the transaction it broke included', async () => {
      const store = await openStore();
      await schedule(store, 'o-1', 1_000);
      const clock = new FakeClock(1_000);
      const badSql = recordEffect('spec', clock.now, async (trx) => {
        await sql`insert into no_such_table values (1)`.execute(trx);
      });
      const delivery = deliveryOn(store, { processManagers: new Map([[EXPIRY, receiver(badSql)]]), now: clock.now });
      delivery.start();
      await delivery.deliverDue();
      const [deadline] = await pending(store);
      expect(deadline?.attempts).to.equal(1);
      expect(deadline?.lastError).to.match(/no_such_table/);
      expect(await readEffects(store.db)).to.deep.equal([]);
    });

    it('counts a delivery that outlives its timeout as failed, once it gave up', async () => {
      const store = await openStore();
      await schedule(store, 'o-1', 1_000);
      const clock = new FakeClock(1_000);
      const slow = recordEffect(
        'spec',
        clock.now,
        (_, __, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))),
      );
      const delivery = deliveryOn(store, { processManagers: new Map([[EXPIRY, receiver(slow, { timeoutMs: 20 })]]), now: clock.now });
      delivery.start();
      await delivery.deliverDue();
      const [deadline] = await pending(store);
      expect(deadline?.attempts).to.equal(1);
      expect(deadline?.lastError).to.equal(new DeadlineTimeoutError("deadline 'expire' of order-expiry 'o-1'", 20).message);
      expect(await readEffects(store.db)).to.deep.equal([]);
    });

    it('stops by aborting the delivery in progress and waiting for it: the deadline stays due, its attempts unchanged', async () => {
      const store = await openStore();
      await schedule(store, 'o-1', 1_000);
      const entered = deferred();
      let settled = false;
      const waiting = recordEffect('spec', Date.now, async (_, __, signal) => {
        entered.resolve();
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        settled = true;
        throw new Error('stopped');
      });
      const delivery = deliveryOn(store, { processManagers: new Map([[EXPIRY, receiver(waiting)]]) });
      delivery.start();
      await entered.promise;
      await delivery.stop();
      expect(settled).to.equal(true);
      expect((await pending(store)).map(({ attempts, status }) => ({ attempts, status }))).to.deep.equal([{ attempts: 0, status: 'pending' }]);
      expect(await readEffects(store.db)).to.deep.equal([]);
    });

    it('delivers each of 250 deadlines once when two deliveries share the database', async () => {
      const store = await openStore();
      // Two SQLite connections in one thread would wait on each other's write lock synchronously
      // (better-sqlite3 blocks the thread): processes sharing a file are covered by the process spec.
      const other = backend.name === 'sqlite' ? store : await backend.reopen();
      const now = Date.now();
      for (let index = 0; index < 250; index++) await schedule(store, `o-${index}`, now - 1_000 + index);
      const a = deliveryOn(store, { processManagers: new Map([[EXPIRY, receiver(recordEffect('a'))]]), pollIntervalMs: 20 });
      const b = deliveryOn(other, { processManagers: new Map([[EXPIRY, receiver(recordEffect('b'))]]), pollIntervalMs: 20 });
      a.start();
      b.start();
      await until(async () => (await pending(store)).length === 0, 'the deadlines were not all delivered');
      const effects = await readEffects(store.db);
      expect(effects).to.have.length(250);
      expect(new Set(effects.map((effect) => effect.deadlineId)).size).to.equal(250);
      expect(a.stats(EXPIRY).delivered + b.stats(EXPIRY).delivered).to.equal(250);
    });

    it("reports a failure of eventfold's own work and looks again after a pause", async () => {
      const store = await openStore();
      await schedule(store, 'o-1', 1_000);
      let failures = 1;
      const flaky = {
        ...store.backend,
        name: store.backend.name,
        db: store.backend.db,
        transaction: <T>(work: Parameters<typeof store.backend.transaction<T>>[0]) =>
          failures-- > 0 ? Promise.reject(new Error('connection lost')) : store.backend.transaction(work),
      };
      const reported: Array<[string, string | undefined]> = [];
      const delivered = deferred();
      const delivery = deliveryOn(store, {
        backend: flaky,
        processManagers: new Map([[EXPIRY, receiver(recordEffect('spec', Date.now, async () => delivered.resolve()))]]),
        onError: (error, processManager) => reported.push([(error as Error).message, processManager]),
      });
      delivery.start();
      await delivered.promise;
      expect(reported).to.deep.equal([['connection lost', EXPIRY]]);
      await until(async () => (await pending(store)).length === 0, 'the deadline was not deleted');
      expect(await readEffects(store.db)).to.have.length(1);
    });
  });
});
