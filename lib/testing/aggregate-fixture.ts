import type { AggregateClass } from '../aggregates/aggregate-class';
import { readAggregateDefinition } from '../aggregates/aggregate.decorator';
import { replayEvent, type AggregateRoot } from '../aggregates/aggregate-root';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { EventRegistry } from '../events/event-registry';
import type { PayloadCodec } from '../events/payload-codec';
import { parseJsonSafely } from '../events/safe-json';
import { describeValue } from '../store/describe-value';
import { optionsObject } from '../store/options-object';
import { isPromiseLike } from '../validation/promise-like';
import { AggregateOutcome, AsyncAggregateOutcome, type CommandEnd } from './aggregate-outcome';

/** Options of {@link aggregateFixture}. */
export interface AggregateFixtureOptions {
  /** The id of the aggregate under test, the id of its stream. Defaults to `'test-1'`. */
  readonly id?: string;
}

/** A given event as the log would hold it: its payload text, and the codec that reads it back. */
interface StoredEvent {
  readonly codec: PayloadCodec;
  readonly payload: string;
}

/**
 * Starts a given/when/then test of an aggregate class: the events it has in its past, the command
 * to run, then the events it must raise or the error it must throw.
 *
 * @example
 * ```ts
 * import { aggregateFixture } from 'eventfold/testing';
 *
 * aggregateFixture(Order)
 *   .given(new OrderPlaced('keyboard'))
 *   .when((order) => order.ship('post'))
 *   .thenEvents(new OrderShipped('post'));
 *
 * aggregateFixture(Order)
 *   .when((order) => order.ship('post'))
 *   .thenError(Error, /cannot ship a new order/);
 * ```
 * @throws {@link UnregisteredAggregateError} if the class lacks `@Aggregate`.
 */
export function aggregateFixture<T extends AggregateRoot>(aggregateClass: AggregateClass<T>, options?: AggregateFixtureOptions): AggregateFixture<T> {
  readAggregateDefinition(aggregateClass);
  const { id = 'test-1' } = optionsObject(options);
  if (typeof id !== 'string' || id.length === 0) throw new InvalidArgumentError('options.id', `expected a non-empty string, got ${describeValue(id)}.`);
  return new AggregateFixture(aggregateClass, id, new EventRegistry(), []);
}

/**
 * The past of an aggregate under test. Immutable: `given` returns a new fixture, so one with a
 * common past can be shared by several tests.
 *
 * The aggregate is rebuilt for each `when` the way a repository loads it: a new instance, then
 * each given event read back from its stored JSON and replayed through its `@Apply` method. So
 * an `@Apply` method that throws fails the test with the `ApplyFailedError` a load would throw,
 * the `@Apply` methods receive events as a load hands them over, and an event the store would
 * refuse (a Date without `@Type`, a bigint without `@Transform`) is refused by `given`.
 */
export class AggregateFixture<T extends AggregateRoot> {
  /** @internal Use {@link aggregateFixture}. */
  constructor(
    private readonly aggregateClass: AggregateClass<T>,
    private readonly id: string,
    private readonly registry: EventRegistry,
    private readonly history: readonly StoredEvent[],
  ) {}

  /**
   * A fixture whose aggregate has `events` in its past, after those given before.
   *
   * @throws {@link InvalidArgumentError} or {@link UnregisteredEventError} for an event the log
   * would refuse, naming the field at fault.
   */
  given(...events: object[]): AggregateFixture<T> {
    const stored = events.map((event, index) => {
      const { codec } = this.registry.of(event);
      return { codec, payload: codec.encode(event, `given event ${this.history.length + index + 1}`) };
    });
    return new AggregateFixture(this.aggregateClass, this.id, this.registry, [...this.history, ...stored]);
  }

  /**
   * Rebuilds the aggregate from the given events and runs `command` on it. A command that
   * creates the aggregate instead (`() => Order.place('o-1', 'keyboard')`) returns it, and the
   * returned aggregate is the one checked.
   *
   * @returns the outcome to check; when `command` returns a promise, an outcome whose checks
   * return promises.
   * @throws {@link ApplyFailedError} if an `@Apply` method throws on a given event.
   */
  when(command: (aggregate: T) => PromiseLike<unknown>): AsyncAggregateOutcome<T>;
  when(command: (aggregate: T) => unknown): AggregateOutcome<T>;
  when(command: (aggregate: T) => unknown): AggregateOutcome<T> | AsyncAggregateOutcome<T> {
    if (typeof command !== 'function') {
      throw new InvalidArgumentError(
        'command',
        `expected a function that runs a command on the aggregate, e.g. (order) => order.ship('post'); got ${describeValue(command)}.`,
      );
    }
    const aggregate = this.rehydrate();
    let result: unknown;
    try {
      result = command(aggregate);
    } catch (error) {
      return this.outcome(aggregate, { threw: true, error });
    }
    if (!isPromiseLike(result)) return this.outcome(this.subjectOf(result, aggregate), { threw: false });
    const settled = Promise.resolve(result).then(
      (value) => this.outcome(this.subjectOf(value, aggregate), { threw: false }),
      (error: unknown) => this.outcome(aggregate, { threw: true, error }),
    );
    return new AsyncAggregateOutcome(settled);
  }

  private rehydrate(): T {
    const aggregate = new this.aggregateClass(this.id);
    this.history.forEach(({ codec, payload }, index) => {
      aggregate[replayEvent](codec.decode(parseJsonSafely(payload) as Record<string, unknown>), index + 1);
    });
    return aggregate;
  }

  /** The aggregate a command returned, if it returned one of this class, or the one it ran on. */
  private subjectOf(result: unknown, aggregate: T): T {
    return result instanceof this.aggregateClass ? result : aggregate;
  }

  private outcome(aggregate: T, end: CommandEnd): AggregateOutcome<T> {
    return new AggregateOutcome(aggregate, end, this.registry);
  }
}
