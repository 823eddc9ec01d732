import { expect } from 'chai';
import { AssertionError } from 'node:assert';
import { Aggregate, AggregateRoot, Apply, ApplyFailedError, DomainEvent, InvalidArgumentError, UnregisteredAggregateError } from '../../lib';
import { aggregateFixture, AggregateOutcome } from '../../lib/testing';
import { Money, Order, OrderCancelled, OrderFilled, OrderPlaced } from '../support/domain';

const placed = new OrderPlaced('o-1', 'KRW-BTC', 2);

/** Runs `check` and returns the AssertionError it throws, failing the spec if it throws none. */
function failureOf(check: () => unknown): AssertionError {
  try {
    check();
  } catch (error) {
    expect(error).to.be.instanceOf(AssertionError);
    return error as AssertionError;
  }
  expect.fail('expected the check to fail');
}

@DomainEvent('GaugeRead')
class GaugeRead {
  constructor(readonly value: number = 0) {}
}

@DomainEvent('GaugeStamped')
class GaugeStamped {
  constructor(readonly at: Date = new Date(0)) {}
}

/** JSON has no bigint, and nothing here says how to store one. */
@DomainEvent('GaugeCounted')
class GaugeCounted {
  constructor(readonly count: bigint = 0n) {}
}

/** An aggregate whose `@Apply` method checks a rule, which an apply method must not do. */
@Aggregate('Gauge')
class Gauge extends AggregateRoot {
  value = 0;
  lastReading: GaugeRead | undefined = undefined;

  read(value: number): void {
    this.raise(new GaugeRead(value));
  }

  count(count: bigint): void {
    this.raise(new GaugeCounted(count));
  }

  @Apply(GaugeRead)
  protected wasRead(event: GaugeRead): void {
    if (event.value < this.value) throw new RangeError(`reading ${event.value} is below ${this.value}`);
    this.value = event.value;
    this.lastReading = event;
  }

  @Apply(GaugeStamped)
  protected stamped(): void {}

  @Apply(GaugeCounted)
  protected counted(): void {}
}

describe('aggregateFixture', () => {
  describe('thenEvents', () => {
    it('passes when the command raises events equal in class and payload, and returns the aggregate after it', () => {
      const order = aggregateFixture(Order, { id: 'o-1' })
        .given(placed)
        .when((order) => order.fill(1, 1500))
        .thenEvents(new OrderFilled(1, new Money(1500, 'KRW')));
      expect(order).to.include({ id: 'o-1', filled: 1, status: 'open', version: 1 });
    });

    it('with no events, passes when the command raises none', () => {
      const outcome = aggregateFixture(Order)
        .given(placed)
        .when(() => undefined);
      expect(outcome.thenEvents().pendingEvents).to.deep.equal([]);
    });

    it('checks the aggregate a command returns, for commands that create it', () => {
      const order = aggregateFixture(Order)
        .when(() => Order.place('o-9', 'KRW-ETH', 3))
        .thenEvents(new OrderPlaced('o-9', 'KRW-ETH', 3));
      expect(order.id).to.equal('o-9');
    });

    it('names the event, its class and the path of each differing payload field, with both values', () => {
      const failure = failureOf(() =>
        aggregateFixture(Order, { id: 'o-1' })
          .given(placed)
          .when((order) => order.fill(1, 1500))
          .thenEvents(new OrderFilled(2, new Money(1400, 'KRW'))),
      );
      expect(failure.message).to.equal(
        [
          "Order 'o-1' raised other events than expected:",
          '  event 1, OrderFilled.volume: expected 2, got 1',
          '  event 1, OrderFilled.price.amount: expected 1400, got 1500',
          'Expected:',
          "  1. OrderFilled { volume: 2, price: Money { amount: 1400, currency: 'KRW' }, tradeSequence: 0n }",
          'Raised:',
          "  1. OrderFilled { volume: 1, price: Money { amount: 1500, currency: 'KRW' }, tradeSequence: 0n }",
        ].join('\n'),
      );
    });

    it('names the expected and the raised class of an event of the wrong type', () => {
      const failure = failureOf(() =>
        aggregateFixture(Order)
          .given(placed)
          .when((order) => order.cancel('changed my mind'))
          .thenEvents(new OrderFilled(2)),
      );
      expect(failure.message).to.contain('  event 1: expected OrderFilled, got OrderCancelled\n');
    });

    it('names events that are missing and events that were not expected', () => {
      const missing = failureOf(() =>
        aggregateFixture(Order)
          .given(placed)
          .when((order) => order.fill(1))
          .thenEvents(new OrderFilled(1), new OrderCancelled('done')),
      );
      expect(missing.message).to.contain('  event 2: expected OrderCancelled, got no event\n');
      const extra = failureOf(() =>
        aggregateFixture(Order)
          .given(placed)
          .when((order) => order.fill(1))
          .thenEvents(),
      );
      expect(extra.message).to.contain('  event 1: expected no more events, got OrderFilled\n').and.to.contain('Expected: none');
    });

    it('fails with the expected and raised events attached, for runners that show a diff', () => {
      const failure = failureOf(() =>
        aggregateFixture(Order)
          .given(placed)
          .when((order) => order.cancel('late'))
          .thenEvents(new OrderCancelled('early')),
      );
      expect(failure).to.include({ code: 'ERR_ASSERTION' });
      // The stack starts at the test's line, not inside the fixture.
      expect(failure.stack?.split('\n').find((line) => line.startsWith('    at '))).to.contain('aggregate-fixture.spec');
      expect(failure.expected).to.deep.equal([new OrderCancelled('early')]);
      expect(failure.actual).to.deep.equal([new OrderCancelled('late')]);
    });

    it('fails naming the error, and keeping it as the cause, when the command threw instead', () => {
      const failure = failureOf(() =>
        aggregateFixture(Order, { id: 'o-1' })
          .when((order) => order.fill(1))
          .thenEvents(new OrderFilled(1)),
      );
      expect(failure.message).to.equal(
        "Order 'o-1' threw an Error (cannot fill a new order) instead of raising the expected events.\nExpected:\n  1. OrderFilled { volume: 1, price: Money { amount: 0, currency: 'KRW' }, tradeSequence: 0n }",
      );
      expect((failure.cause as Error).message).to.equal('cannot fill a new order');
    });

    it('fails when a raised event cannot be stored, since saving the aggregate would fail', () => {
      const failure = failureOf(() =>
        aggregateFixture(Gauge)
          .when((gauge) => gauge.count(3n))
          .thenEvents(new GaugeCounted(3n)),
      );
      expect(failure.message).to.match(/^Gauge 'test-1' raised a GaugeCounted that cannot be stored, so saving the aggregate would fail: Invalid event 1\.count: /);
      expect(failure.cause).to.be.instanceOf(InvalidArgumentError);
    });
  });

  describe('thenError', () => {
    const overfilled = () =>
      aggregateFixture(Order)
        .given(placed)
        .when((order) => order.fill(3));

    it('passes for an error of the class, with a message that contains the text or matches the pattern, and returns it', () => {
      expect(overfilled().thenError(Error).message).to.equal('fill exceeds the remaining volume');
      expect(overfilled().thenError(Error, 'exceeds the remaining')).to.be.instanceOf(Error);
      expect(overfilled().thenError(/^fill exceeds/)).to.be.instanceOf(Error);
      expect(overfilled().thenError(Error, /remaining volume$/g)).to.be.instanceOf(Error);
    });

    it('fails naming what was thrown when the class or the message differ', () => {
      expect(failureOf(() => overfilled().thenError(RangeError)).message).to.equal(
        "Order 'test-1' was expected to throw a RangeError, but threw an Error: fill exceeds the remaining volume",
      );
      expect(failureOf(() => overfilled().thenError(Error, /sold out/)).message).to.equal(
        "Order 'test-1' was expected to throw an Error with a message matching /sold out/, but threw an Error: fill exceeds the remaining volume",
      );
      expect(failureOf(() => overfilled().thenError('sold out')).message).to.contain("an error with a message containing 'sold out'");
    });

    it('fails listing the raised events when the command succeeded', () => {
      const failure = failureOf(() =>
        aggregateFixture(Order)
          .given(placed)
          .when((order) => order.cancel('late'))
          .thenError(Error),
      );
      expect(failure.message).to.equal("Order 'test-1' was expected to throw an Error, but raised events.\nRaised:\n  1. OrderCancelled { reason: 'late' }");
      const quiet = failureOf(() =>
        aggregateFixture(Order)
          .when(() => undefined)
          .thenError(Error),
      );
      expect(quiet.message).to.equal("Order 'test-1' was expected to throw an Error, but raised no events");
    });

    it('refuses arguments that name no error', () => {
      expect(() => overfilled().thenError(42 as never)).to.throw(InvalidArgumentError, /thenError arguments: expected an error class, a message/);
      expect(() => overfilled().thenError('text' as never, 'more' as never)).to.throw(InvalidArgumentError);
    });
  });

  describe('given', () => {
    it('replays the events through the @Apply methods, as a load does, at versions 1, 2, ...', () => {
      const order = aggregateFixture(Order)
        .given(placed, new OrderFilled(1))
        .given(new OrderFilled(1))
        .when(() => undefined)
        .thenEvents();
      expect(order).to.include({ version: 3, filled: 2, status: 'filled' });
      expect(order.fills).to.deep.equal([1, 1]);
    });

    it('hands the @Apply methods the events as read back from stored JSON, not the objects given', () => {
      const reading = new GaugeRead(5);
      const gauge = aggregateFixture(Gauge)
        .given(reading)
        .when(() => undefined)
        .thenEvents();
      expect(gauge.lastReading).to.deep.equal(reading);
      expect(gauge.lastReading).not.to.equal(reading);
    });

    it('returns a new fixture, so that one past can be shared by several tests', () => {
      const open = aggregateFixture(Order).given(placed);
      open
        .given(new OrderCancelled('late'))
        .when(() => undefined)
        .thenEvents();
      expect(open.when((order) => order.fill(2)).thenEvents(new OrderFilled(2, new Money(1000, 'KRW'))).status).to.equal('filled');
    });

    it('makes `when` throw the ApplyFailedError a load would throw when an @Apply method throws on a given event', () => {
      const fixture = aggregateFixture(Gauge, { id: 'g-1' }).given(new GaugeRead(5), new GaugeRead(3));
      let error: unknown;
      try {
        fixture.when(() => undefined);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).to.be.instanceOf(ApplyFailedError);
      expect(error).to.include({ streamType: 'Gauge', streamId: 'g-1', streamVersion: 2, eventType: 'GaugeRead', method: 'wasRead' });
    });

    it('refuses an event the log would refuse, naming the field', () => {
      expect(() => aggregateFixture(Gauge).given(new GaugeStamped(new Date(1)))).to.throw(InvalidArgumentError, /given event 1\.at/);
    });
  });

  describe('when', () => {
    it('gives an outcome whose checks return promises for a command that returns one', async () => {
      const outcome = aggregateFixture(Order)
        .given(placed)
        .when(async (order) => {
          await Promise.resolve();
          order.cancel('async');
        });
      expect(outcome).not.to.be.instanceOf(AggregateOutcome);
      expect((await outcome.thenEvents(new OrderCancelled('async'))).status).to.equal('cancelled');
      const rejected = aggregateFixture(Order).when(async (order) => order.fill(1));
      expect((await rejected.thenError(Error, 'cannot fill a new order')).message).to.equal('cannot fill a new order');
    });

    it('starts the stack of a failed check at the test, for a command that returned a promise too', async () => {
      const outcome = aggregateFixture(Order).when(async (order) => order.cancel('async'));
      const failure = await outcome.thenEvents().then(
        () => expect.fail('expected the check to fail'),
        (error: Error) => error,
      );
      expect(failure).to.be.instanceOf(AssertionError);
      expect(failure.stack?.split('\n').find((line) => line.startsWith('    at '))).to.contain('aggregate-fixture.spec');
    });

    it('refuses a command that is not a function', () => {
      expect(() => aggregateFixture(Order).when('ship' as never)).to.throw(InvalidArgumentError, /expected a function that runs a command/);
    });
  });

  it('refuses a class without @Aggregate, as a repository would', () => {
    class Plain extends AggregateRoot {}
    expect(() => aggregateFixture(Plain)).to.throw(UnregisteredAggregateError);
  });

  it('refuses an empty id', () => {
    expect(() => aggregateFixture(Order, { id: '' })).to.throw(InvalidArgumentError, /options\.id/);
  });
});
