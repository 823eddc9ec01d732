import type { AggregateRoot } from '../aggregates/aggregate-root';
import { isEventfoldError } from '../errors/eventfold-error';
import type { EventRegistry } from '../events/event-registry';
import { assertionFailure, reportedFrom } from './assertion-failure';
import { describeExpectedError, errorMismatch, expectedErrorOf, type ErrorClass, type ExpectedError } from './expected-error';
import { describeEventDifferences, listEvents, nameOf, showValue, withArticle } from './failure-text';

/** How a command ended: normally, or by throwing `error`. */
export type CommandEnd = { readonly threw: false } | { readonly threw: true; readonly error: unknown };

/**
 * What a command did to an aggregate, to check with `thenEvents` or `thenError`. Get one from
 * {@link AggregateFixture.when}; each check may be called any number of times.
 *
 * @example
 * ```ts
 * const outcome = aggregateFixture(Order).given(new OrderPlaced('keyboard')).when((order) => order.ship('post'));
 * const order = outcome.thenEvents(new OrderShipped('post'));
 * ```
 */
export class AggregateOutcome<T extends AggregateRoot> {
  /** @internal Use {@link AggregateFixture.when}. */
  constructor(
    private readonly aggregate: T,
    private readonly end: CommandEnd,
    private readonly registry: EventRegistry,
  ) {}

  /**
   * Checks that the command raised exactly `expected`, in order: each of the same class as the
   * one raised and with an equal payload (Dates by time, nested objects field by field). With no
   * arguments, checks that it raised nothing. Also checks that each raised event can be stored,
   * since saving the aggregate would fail otherwise.
   *
   * @returns the aggregate after the command, for checks of its state.
   * @throws `AssertionError` naming each event that differs and the path of each differing field,
   * or the error the command threw instead.
   */
  thenEvents(...expected: object[]): T {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only compared with the frames of the stack, never called
    return reportedFrom(this.thenEvents, () => this.checkEvents(expected));
  }

  /**
   * Checks that the command threw an error of `errorClass`, with a message that contains
   * `message` (a string) or matches it (a RegExp) when one is given.
   *
   * @returns the error, for checks of its fields.
   * @throws `AssertionError` saying what the command threw instead, or which events it raised.
   */
  thenError<E extends Error>(errorClass: ErrorClass<E>, message?: string | RegExp): E;
  /** Checks that the command threw an error whose message contains `message` or matches it. */
  thenError(message: string | RegExp): Error;
  thenError(classOrMessage: ErrorClass | string | RegExp, message?: string | RegExp): Error {
    const expected = expectedErrorOf(classOrMessage, message);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only compared with the frames of the stack, never called
    return reportedFrom(this.thenError, () => this.checkError(expected));
  }

  private checkEvents(expected: readonly object[]): T {
    const subject = this.subject;
    if (this.end.threw) {
      throw assertionFailure(`${subject} threw ${describeThrown(this.end.error)} instead of raising the expected events.\n${listEvents('Expected', expected)}`, {
        cause: this.end.error,
      });
    }
    const raised = this.aggregate.pendingEvents;
    const differences = describeEventDifferences(expected, raised);
    if (differences.length > 0) {
      const message = [
        `${subject} raised other events than expected:`,
        ...differences.map((line) => `  ${line}`),
        listEvents('Expected', expected),
        listEvents('Raised', raised),
      ];
      throw assertionFailure(message.join('\n'), { expected, actual: raised });
    }
    raised.forEach((event, index) => this.assertStorable(event, index));
    return this.aggregate;
  }

  private checkError(expected: ExpectedError): Error {
    const wanted = describeExpectedError(expected);
    if (!this.end.threw) {
      const raised = this.aggregate.pendingEvents;
      const what = raised.length === 0 ? 'raised no events' : `raised events.\n${listEvents('Raised', raised)}`;
      throw assertionFailure(`${this.subject} was expected to throw ${wanted}, but ${what}`);
    }
    const mismatch = errorMismatch(expected, this.end.error);
    if (mismatch !== undefined) {
      throw assertionFailure(`${this.subject} was expected to throw ${wanted}, but threw ${mismatch}`, { cause: this.end.error });
    }
    return this.end.error as Error;
  }

  /** The aggregate as messages name it: `Order 'o-1'`. */
  private get subject(): string {
    return `${this.aggregate.constructor.name} ${showValue(this.aggregate.id)}`;
  }

  private assertStorable(event: object, index: number): void {
    try {
      this.registry.of(event).codec.encode(event, `event ${index + 1}`);
    } catch (error) {
      if (!isEventfoldError(error)) throw error;
      throw assertionFailure(`${this.subject} raised ${withArticle(nameOf(event))} that cannot be stored, so saving the aggregate would fail: ${error.message}`, {
        cause: error,
      });
    }
  }
}

/**
 * What a command that returned a promise did, once it settles. The same checks as
 * {@link AggregateOutcome}, returning promises: await them.
 *
 * @example
 * ```ts
 * await aggregateFixture(Order)
 *   .given(new OrderPlaced('keyboard'))
 *   .when(async (order) => order.ship(await carriers.cheapest()))
 *   .thenEvents(new OrderShipped('post'));
 * ```
 */
export class AsyncAggregateOutcome<T extends AggregateRoot> {
  /** @internal Use {@link AggregateFixture.when}. */
  constructor(private readonly settled: Promise<AggregateOutcome<T>>) {}

  /** {@link AggregateOutcome.thenEvents}, once the command has settled. */
  async thenEvents(...expected: object[]): Promise<T> {
    const outcome = await this.settled;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only compared with the frames of the stack, never called
    return reportedFrom(this.thenEvents, () => outcome.thenEvents(...expected));
  }

  /** {@link AggregateOutcome.thenError}, once the command has settled. */
  thenError<E extends Error>(errorClass: ErrorClass<E>, message?: string | RegExp): Promise<E>;
  /** {@link AggregateOutcome.thenError} with a message alone, once the command has settled. */
  thenError(message: string | RegExp): Promise<Error>;
  async thenError(classOrMessage: ErrorClass | string | RegExp, message?: string | RegExp): Promise<Error> {
    const outcome = await this.settled;
    // One implementation takes either form; the overloads only shape what callers may pass.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only compared with the frames of the stack, never called
    return reportedFrom(this.thenError, () => outcome.thenError(classOrMessage as ErrorClass, message));
  }
}

function describeThrown(error: unknown): string {
  return error instanceof Error ? `${withArticle(nameOf(error))} (${error.message})` : showValue(error);
}
