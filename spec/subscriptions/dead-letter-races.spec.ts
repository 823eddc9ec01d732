import { expect } from 'chai';
import { DomainEvent, EventHandler, On, Projection, SubscriberOperations, type HandlerContext, type ProjectionContext } from '../../lib';
import { forEachBackend } from '../support/backends';
import { createTotalsTable, readTotals } from '../support/subscriber-fixtures';
import { until } from '../support/until';

@DomainEvent('Credited')
class Credited {
  constructor(
    readonly account: string = '',
    readonly amount: number = 0,
  ) {}
}

/** Totals per account; fails on the amounts in `failing`. */
function totals(failing: Set<number>) {
  @Projection('credit-totals', { retry: { maxAttempts: 1 } })
  class CreditTotals {
    @On(Credited)
    async credited(event: Credited, { db }: ProjectionContext): Promise<void> {
      if (failing.has(event.amount)) throw new Error(`cannot credit ${event.amount}`);
      await db
        .insertInto('totals')
        .values({ account: event.account, total: event.amount, deposits: 1 })
        .onConflict((oc) => oc.column('account').doUpdateSet((eb) => ({ total: eb('totals.total', '+', event.amount), deposits: eb('totals.deposits', '+', 1) })))
        .execute();
    }
  }
  return new CreditTotals();
}

forEachBackend('Dead letters and the runner', (backend) => {
  it('retries the dead letter of an event a resumed projection is delivering again only once', async () => {
    const store = await backend.open();
    await createTotalsTable(store);
    const failing = new Set([5]);
    const dispatcher = await backend.dispatch(store, [totals(failing)]);
    await store.publish(new Credited('a', 5), { stream: { type: 'Account', id: 'a' } });
    await dispatcher.idle();
    expect(dispatcher.stats()[0]!.state).to.equal('halted');
    failing.clear();
    const [letter] = await dispatcher.deadLetters();
    dispatcher.resume('credit-totals');
    expect(await dispatcher.retryDeadLetter(letter!.id)).to.equal(true);
    await dispatcher.idle();
    expect(await readTotals(store)).to.deep.equal([{ account: 'a', total: 5, deposits: 1 }]);
    expect(await dispatcher.deadLetters()).to.deep.equal([]);
  });

  it('records nothing for an event whose lease another process took while it was being retried', async () => {
    const store = await backend.open();
    let retrying!: () => void;
    const secondAttempt = new Promise<void>((resolve) => (retrying = resolve));
    let fail!: () => void;
    const failNow = new Promise<void>((resolve) => (fail = resolve));
    @EventHandler('slow-retrier', { onFailure: 'halt', retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 0 } })
    class SlowRetrier {
      @On(Credited) async credited(_event: Credited, { attempt }: HandlerContext): Promise<void> {
        if (attempt === 2) {
          retrying();
          await failNow;
        }
        throw new Error('always fails');
      }
    }
    const dispatcher = await backend.dispatch(store, [new SlowRetrier()], { leaseMs: 150 });
    await store.publish(new Credited('a', 1));
    await secondAttempt;
    // Another process takes the lease, as one would after this process stalled past its expiry.
    await store.db
      .updateTable('eventfold_subscriptions')
      .set({ lease_owner: 'other-process', lease_expires_at: Date.now() + 600_000 })
      .where('name', '=', 'slow-retrier')
      .execute();
    await until(() => dispatcher.stats()[0]!.state === 'standby', 'the subscriber never noticed that it lost its lease');
    fail();
    await dispatcher.stop();
    expect(await dispatcher.deadLetters()).to.deep.equal([]);
    const saved = await store.db.selectFrom('eventfold_subscriptions').selectAll().where('name', '=', 'slow-retrier').executeTakeFirstOrThrow();
    expect(saved).to.include({ lease_owner: 'other-process' });
    expect(saved.status).to.not.equal('halted');
  });

  it('tells a parked letter from a halted one while an earlier event of another stream still runs', async () => {
    const store = await backend.open();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let parked!: () => void;
    const parkedSeen = new Promise<void>((resolve) => (parked = resolve));
    @EventHandler('two-streams', { concurrency: 2, retry: { maxAttempts: 1 } })
    class TwoStreams {
      @On(Credited) async credited(event: Credited): Promise<void> {
        if (event.account === 'slow') await gate;
        if (event.account === 'bad') throw new Error('bad account');
      }
    }
    const dispatcher = await backend.dispatch(store, [new TwoStreams()], {
      logger: { info: () => undefined, warn: () => parked(), error: () => undefined },
    });
    await store.publish(new Credited('slow', 1), { stream: { type: 'Account', id: 'slow' } });
    await store.publish(new Credited('bad', 2), { stream: { type: 'Account', id: 'bad' } });
    await parkedSeen;
    const operations = new SubscriberOperations(store);
    const [letter] = await operations.deadLetters('two-streams');
    expect(letter).to.include({ position: 2, halted: false });
    await operations.discardDeadLetter(letter!.id);
    expect(await operations.deadLetters('two-streams')).to.deep.equal([]);
    release();
    await dispatcher.idle();
  });
});
