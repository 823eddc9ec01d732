import { expect } from 'chai';
import {
  DispatcherStoppedError,
  EventHandler,
  InvalidArgumentError,
  On,
  Projection,
  UnregisteredSubscriberError,
  type EventStore,
  type HandlerContext,
  type ProjectionContext,
} from '../../lib';
import { subscriberFixture } from '../../lib/testing';
import { closedAfterEach } from '../support/closed-after-each';
import { expectRejection } from '../support/expect-rejection';
import { createTotalsTable, Deposit, DepositRecorder, readTotals, Totals } from '../support/subscriber-fixtures';

const account = (id: string) => ({ type: 'Account', id });

/** Fails every attempt, and gives up after two. */
@EventHandler('refund-sender', { retry: { maxAttempts: 2, initialDelayMs: 1 } })
class FailingRefunds {
  @On(Deposit)
  deposited(event: Deposit): void {
    throw new Error(`the bank refused a refund of ${event.amount}`);
  }
}

/** Fails on negative deposits, then halts: a projection's default. */
@Projection('strict-totals', { retry: { maxAttempts: 1 } })
class StrictTotals {
  @On(Deposit)
  async deposited(event: Deposit, { db }: ProjectionContext): Promise<void> {
    if (event.amount < 0) throw new RangeError(`deposit of ${event.amount}`);
    await db.insertInto('totals').values({ account: event.account, total: event.amount, deposits: 1 }).execute();
  }
}

/** Publishes a follow-up for each deposit, through the store it was made with. */
@EventHandler('deposit-echo')
class DepositEcho {
  constructor(private readonly store: EventStore) {}

  @On(Deposit)
  async deposited(event: Deposit, { recorded }: HandlerContext): Promise<void> {
    if (recorded.streamType === 'Account') await this.store.append({ type: 'Echo', id: event.account }, [new Deposit(event.account, event.amount)]);
  }
}

describe('subscriberFixture', () => {
  const start = closedAfterEach(subscriberFixture);
  const startTyped = closedAfterEach(subscriberFixture<{ totals: { account: string; total: number } }>);

  it('runs a projection through the dispatcher, so that its read model is written when `given` resolves', async () => {
    const run = await start(new Totals(), { setup: (_db, store) => createTotalsTable(store) });
    const recorded = await run.given(account('a-1'), new Deposit('a-1', 5), new Deposit('a-1', 7));
    expect(recorded.map((event) => event.position)).to.deep.equal([1, 2]);
    expect(await readTotals(run.store)).to.deep.equal([{ account: 'a-1', total: 12, deposits: 2 }]);
    expect(run.dispatcher.stats()[0]).to.include({ name: 'totals', checkpoint: 2, processed: 2 });
  });

  it('types the read model with `db`, the store’s own database', async () => {
    const run = await startTyped(new Totals(), { setup: (_db, store) => createTotalsTable(store) });
    await run.given(account('a-1'), new Deposit('a-1', 5));
    expect(await run.db.selectFrom('totals').select(['account', 'total']).execute()).to.deep.equal([{ account: 'a-1', total: 5 }]);
  });

  it('runs a handler, whose fakes show what it did', async () => {
    const handled: string[] = [];
    const run = await start(new DepositRecorder((eventId) => handled.push(eventId)));
    const recorded = await run.given(account('a-1'), new Deposit('a-1', 5));
    const published = await run.publish(new Deposit('bank', 1));
    expect(handled).to.have.members([recorded[0]!.eventId, published.eventId]);
  });

  it('makes subscribers that need the store with a function, and runs several side by side', async () => {
    const run = await start((store) => [new DepositEcho(store), new Totals()], { setup: (_db, store) => createTotalsTable(store) });
    await run.given(account('a-1'), new Deposit('a-1', 5));
    // The echo is appended by a handler, after `given` waited: `idle` waits for it too.
    await run.idle();
    expect(await readTotals(run.store)).to.deep.equal([{ account: 'a-1', total: 10, deposits: 2 }]);
  });

  it('shows the dead letters of a handler whose every attempt failed', async () => {
    const run = await start(new FailingRefunds(), { dispatcher: { logger: false } });
    await run.given(account('a-1'), new Deposit('a-1', 5));
    const [letter, ...others] = await run.deadLetters('refund-sender');
    expect(others).to.deep.equal([]);
    expect(letter).to.include({ subscriber: 'refund-sender', position: 1, attempts: 2, halted: false, errorMessage: 'the bank refused a refund of 5' });
  });

  it('resolves `given` when a projection halts, with the event it halted on in the dead letters', async () => {
    const run = await start(new StrictTotals(), { setup: (_db, store) => createTotalsTable(store), dispatcher: { logger: false } });
    await run.given(account('a-1'), new Deposit('a-1', 5), new Deposit('a-1', -1), new Deposit('a-1', 2));
    expect(await readTotals(run.store)).to.deep.equal([{ account: 'a-1', total: 5, deposits: 1 }]);
    expect(await run.deadLetters())
      .to.have.length(1)
      .and.to.have.nested.property('[0].halted', true);
    expect(run.dispatcher.stats()[0]).to.include({ state: 'halted', checkpoint: 1 });
  });

  it('gives each run a store of its own', async () => {
    const [first, second] = [await start(new DepositRecorder(() => undefined)), await start(new DepositRecorder(() => undefined))];
    await first.given(account('a-1'), new Deposit('a-1', 5));
    expect(await first.store.headPosition()).to.equal(1);
    expect(await second.store.headPosition()).to.equal(0);
  });

  it('stops the subscribers and closes the store on close, and a second close is harmless', async () => {
    const run = await start(new DepositRecorder(() => undefined));
    await run.close();
    expect(run.store.isClosed).to.equal(true);
    await expectRejection(run.idle(), DispatcherStoppedError);
    await run.close();
  });

  it('refuses a subscriber class in place of an instance, before opening anything', async () => {
    const error = await expectRejection(subscriberFixture(Totals), InvalidArgumentError);
    expect(error.message).to.equal('Invalid subscribers: expected instances, got the class Totals: pass new Totals(...).');
  });

  it('closes its store when the subscribers cannot start', async () => {
    let opened: EventStore | undefined;
    await expectRejection(subscriberFixture({ not: 'a subscriber' }, { setup: (_db, store) => void (opened = store) }), UnregisteredSubscriberError);
    expect(opened?.isClosed).to.equal(true);
  });
});
