import { expect } from 'chai';
import { AssertionError } from 'node:assert';
import { DomainEvent, InvalidArgumentError, On, OnDeadline, ProcessManager, Projection, UnregisteredSubscriberError, type ProcessContext } from '../../lib';
import { processManagerFixture } from '../../lib/testing';
import { closedAfterEach } from '../support/closed-after-each';
import { Order, OrderCancelled, OrderFilled, OrderPlaced } from '../support/domain';
import { expectRejection } from '../support/expect-rejection';

const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const order = (id: string) => ({ type: 'Order', id });

interface Expiry {
  market: string;
  volume: number;
  filled: number;
  placedAt: string;
}

/** Cancels an order left unfilled for 30 s, through its repository; ends when the order is filled or cancelled. */
@ProcessManager('order-expiry')
class OrderExpiry {
  @On(OrderPlaced)
  placed(event: OrderPlaced, process: ProcessContext<Expiry>): void {
    process.state = { market: event.market, volume: event.volume, filled: 0, placedAt: process.now.toISOString() };
    process.schedule('expire', { afterMs: 30_000 }, { reason: 'unfilled' });
  }

  @On(OrderFilled)
  filled(event: OrderFilled, process: ProcessContext<Expiry>): void {
    if (!process.state) return;
    process.state.filled += event.volume;
    if (process.state.filled === process.state.volume) process.end();
  }

  @On(OrderCancelled)
  cancelled(_event: OrderCancelled, process: ProcessContext<Expiry>): void {
    process.end();
  }

  @OnDeadline('expire')
  async expire(payload: { reason: string }, process: ProcessContext<Expiry>): Promise<void> {
    await process.store
      .repository(Order)
      .update(process.key, (order) => order.cancel(`${payload.reason} at ${process.now.toISOString()}`), { metadata: process.causation });
  }
}

/** The same, keeping ended instances. */
@ProcessManager('order-expiry-kept', { ended: 'keep' })
class KeptOrderExpiry extends OrderExpiry {}

@DomainEvent('FixtureSpecNudged')
class Nudged {
  constructor(
    readonly orderId: string = '',
    readonly count: number = 0,
  ) {}
}

/** Nudges every 10 s, three times, keeping no state: deadlines that schedule the next one. */
@ProcessManager('nudger', { correlationKey: 'orderId' })
class Nudger {
  @On(OrderPlaced)
  placed(_event: OrderPlaced, process: ProcessContext): void {
    process.schedule('nudge', { afterMs: 10_000 }, 1);
  }

  @OnDeadline('nudge')
  async nudge(count: number, process: ProcessContext): Promise<void> {
    await process.store.publish(new Nudged(process.key, count));
    if (count < 3) process.schedule('nudge', { afterMs: 10_000 }, count + 1);
  }
}

/** Fails on orders of KRW-XRP, after starting them and scheduling. */
@ProcessManager('picky')
class Picky {
  @On(OrderPlaced)
  placed(event: OrderPlaced, process: ProcessContext): void {
    process.state = { market: event.market };
    process.schedule('expire', { afterMs: 1000 });
    if (event.market === 'KRW-XRP') throw new RangeError(`no ${event.market} here`);
  }

  @OnDeadline('expire')
  expire(): void {
    throw new Error('expiry service down');
  }
}

@Projection('not-a-process')
class NotAProcess {
  @On(OrderPlaced) placed(): void {}
}

describe('processManagerFixture', () => {
  const start = closedAfterEach(processManagerFixture<Expiry>);
  const expiry = () => start(new OrderExpiry(), { aggregates: [Order], now: T0 });

  it("runs the step of a given event, with the fixture's clock as process.now", async () => {
    const run = await expiry();
    await run.given(order('o-1'), new OrderPlaced('o-1', 'KRW-BTC', 2));

    expect(await run.state('o-1')).to.deep.equal({ market: 'KRW-BTC', volume: 2, filled: 0, placedAt: T0.toISOString() });
    expect(await run.thenDeadlines('o-1', { name: 'expire', dueAt: at(30_000), payload: { reason: 'unfilled' } })).to.have.length(1);
    expect(await run.instance('o-1')).to.deep.include({ status: 'running', version: 1 });
    run.thenAppended();
  });

  it('delivers a deadline once the clock passes its due time, then the steps of what it appended', async () => {
    const run = await expiry();
    await run.given(order('o-1'), new OrderPlaced('o-1', 'KRW-BTC', 2));

    expect(await run.advanceBy(29_999)).to.deep.equal([]);
    await run.thenDeadlines('o-1', { name: 'expire', dueAt: at(30_000) });
    const delivered = await run.advanceBy(60_000);

    expect(delivered).to.deep.equal([{ key: 'o-1', name: 'expire', dueAt: at(30_000), payload: { reason: 'unfilled' } }]);
    const [cancelled] = run.thenAppended(new OrderCancelled(`unfilled at ${at(30_000).toISOString()}`));
    expect(cancelled).to.deep.include({ streamType: 'Order', streamId: 'o-1', streamVersion: 2 });
    await run.thenEnded('o-1');
    await run.thenDeadlines('o-1');
    expect(run.now).to.deep.equal(at(89_999));
    expect((await run.store.repository(Order).load('o-1')).status).to.equal('cancelled');
  });

  it('delivers the deadlines due in one move in due order, those scheduled by the deliveries included', async () => {
    const run = await start(new Nudger(), { now: T0 });
    await run.given(order('o-1'), new OrderPlaced('o-1', 'KRW-BTC', 2));
    await run.advanceBy(5000);
    await run.given(order('o-2'), new OrderPlaced('o-2', 'KRW-ETH', 1));

    const delivered = await run.advanceTo(at(26_000));

    expect(delivered.map(({ key, payload, dueAt }) => [key, payload, dueAt.getTime() - T0.getTime()])).to.deep.equal([
      ['o-1', 1, 10_000],
      ['o-2', 1, 15_000],
      ['o-1', 2, 20_000],
      ['o-2', 2, 25_000],
    ]);
    run.thenAppended(new Nudged('o-1', 1), new Nudged('o-2', 1), new Nudged('o-1', 2), new Nudged('o-2', 2));
    await run.thenDeadlines('o-1', { name: 'nudge', dueAt: at(30_000), payload: 3 });
    expect(await run.state('o-1')).to.equal(undefined);
  });

  it("sees an instance kept under ended: 'keep' as ended, with its last state", async () => {
    const run = await start(new KeptOrderExpiry(), { aggregates: [Order], now: T0 });
    await run.given(order('o-1'), new OrderPlaced('o-1', 'KRW-BTC', 1), new OrderFilled(1));

    await run.thenEnded('o-1');
    expect(await run.instance('o-1')).to.deep.include({ status: 'ended', version: 2, deadlines: [] });
    await run.thenState('o-1', { market: 'KRW-BTC', volume: 1, filled: 1, placedAt: T0.toISOString() });
  });

  it('runs the steps of events appended another way with catchUp', async () => {
    const run = await expiry();
    await run.store.repository(Order).save(Order.place('o-1', 'KRW-BTC', 1));
    expect(await run.state('o-1')).to.equal(undefined);

    await run.catchUp();
    await run.thenState('o-1', { market: 'KRW-BTC', volume: 1, filled: 0, placedAt: T0.toISOString() });
    await run.store.repository(Order).update('o-1', (placed) => placed.fill(1));
    await run.catchUp();
    await run.thenEnded('o-1');
  });

  it('passes a failing step over with its error, leaving nothing of it', async () => {
    const run = await start(new Picky(), { now: T0 });
    const error = await expectRejection(run.given(order('o-1'), new OrderPlaced('o-1', 'KRW-XRP', 1)), RangeError);
    expect(error.message).to.equal('no KRW-XRP here');
    expect(await run.instance('o-1')).to.equal(undefined);

    await run.given(order('o-2'), new OrderPlaced('o-2', 'KRW-BTC', 1));
    expect(await run.state('o-2')).to.deep.equal({ market: 'KRW-BTC' });
    expect(await run.state('o-1')).to.equal(undefined);
  });

  it('keeps a deadline whose step fails, stopping the clock at its due time', async () => {
    const run = await start(new Picky(), { now: T0 });
    await run.given(order('o-1'), new OrderPlaced('o-1', 'KRW-BTC', 1));

    expect((await expectRejection(run.advanceBy(5000), Error)).message).to.equal('expiry service down');
    expect(run.now).to.deep.equal(at(1000));
    await run.thenDeadlines('o-1', { name: 'expire', dueAt: at(1000) });
  });

  describe('checks', () => {
    it('name the fields of a state that differ', async () => {
      const run = await expiry();
      await run.given(order('o-1'), new OrderPlaced('o-1', 'KRW-BTC', 2));

      const failure = await expectRejection(run.thenState('o-1', { market: 'KRW-ETH', volume: 2, filled: 1, placedAt: T0.toISOString() }), AssertionError);
      expect(failure.message).to.equal(
        [
          "'order-expiry' instance 'o-1' has another state than expected:",
          "  market: expected 'KRW-ETH', got 'KRW-BTC'",
          '  filled: expected 1, got 0',
          `Expected: { market: 'KRW-ETH', volume: 2, filled: 1, placedAt: '${T0.toISOString()}' }`,
          `State:    { market: 'KRW-BTC', volume: 2, filled: 0, placedAt: '${T0.toISOString()}' }`,
        ].join('\n'),
      );
      const missing = await expectRejection(run.thenState('o-9', { market: 'KRW-BTC', volume: 1, filled: 0, placedAt: '' }), AssertionError);
      expect(missing.message).to.match(/^'order-expiry' instance 'o-9' has no state, so it cannot be .*: no step ever ran for it\.$/);
    });

    it('list the deadlines missing and those not expected', async () => {
      const run = await expiry();
      await run.given(order('o-1'), new OrderPlaced('o-1', 'KRW-BTC', 2));

      const failure = await expectRejection(run.thenDeadlines('o-1', { name: 'expire', dueAt: at(60_000) }), AssertionError);
      expect(failure.message).to.equal(
        [
          "'order-expiry' instance 'o-1' waits for other deadlines than expected:",
          `  missing: 'expire' at ${at(60_000).toISOString()}`,
          `  not expected: 'expire' at ${at(30_000).toISOString()} with { reason: 'unfilled' }`,
          'Expected:',
          `  'expire' at ${at(60_000).toISOString()}`,
          'Scheduled:',
          `  'expire' at ${at(30_000).toISOString()} with { reason: 'unfilled' }`,
        ].join('\n'),
      );
      await expectRejection(run.thenDeadlines('o-1', { name: 'expire', dueAt: at(30_000), payload: { reason: 'filled' } }), AssertionError);
    });

    it('say what still runs when an end was expected', async () => {
      const run = await expiry();
      await run.given(order('o-1'), new OrderPlaced('o-1', 'KRW-BTC', 2), new OrderFilled(1));

      const running = await expectRejection(run.thenEnded('o-1'), AssertionError);
      const unknown = await expectRejection(run.thenEnded('o-2'), AssertionError);

      expect(running.message).to.equal(
        `'order-expiry' instance 'o-1' was expected to have ended, but it is running, with state { market: 'KRW-BTC', volume: 2, filled: 1, placedAt: '${T0.toISOString()}' } ` +
          `and deadlines 'expire' at ${at(30_000).toISOString()} with { reason: 'unfilled' }.`,
      );
      expect(unknown.message).to.equal("'order-expiry' instance 'o-2' was expected to have ended, but no step ever ran for it.");
    });

    it('compare the appended events by class and payload, as an aggregate fixture does', async () => {
      const run = await expiry();
      await run.given(order('o-1'), new OrderPlaced('o-1', 'KRW-BTC', 2));
      await run.advanceBy(30_000);

      const failure = (() => {
        try {
          run.thenAppended(new OrderCancelled('changed my mind'));
        } catch (error) {
          return error as AssertionError;
        }
        throw new Error('thenAppended passed');
      })();
      expect(failure).to.be.instanceOf(AssertionError);
      expect(failure.message.split('\n').slice(0, 2)).to.deep.equal([
        "The steps of 'order-expiry' appended other events than expected:",
        `  event 1, OrderCancelled.reason: expected 'changed my mind', got 'unfilled at ${at(30_000).toISOString()}'`,
      ]);
    });
  });

  describe('arguments', () => {
    it('refuses what is not a process manager instance, leaving nothing open', async () => {
      expect((await expectRejection(processManagerFixture(new NotAProcess()), InvalidArgumentError)).message).to.match(
        /'not-a-process' is a projection, not a @ProcessManager; test it with subscriberFixture/,
      );
      expect((await expectRejection(processManagerFixture(OrderExpiry), InvalidArgumentError)).message).to.match(
        /got the class OrderExpiry: pass new OrderExpiry\(\.\.\.\)/,
      );
      await expectRejection(processManagerFixture({}), UnregisteredSubscriberError);
      expect((await expectRejection(processManagerFixture(new OrderExpiry(), { now: new Date('nope') }), InvalidArgumentError)).message).to.match(/options\.now/);
    });

    it('moves the clock only forward', async () => {
      const run = await expiry();

      expect((await expectRejection(run.advanceTo(at(-1)), InvalidArgumentError)).message).to.match(/the clock only moves forward: it is 2026-03-02T09:00:00\.000Z/);
      expect((await expectRejection(run.advanceBy(-5), InvalidArgumentError)).message).to.match(/expected a number of milliseconds, 0 or more, got -5/);
    });
  });
});
