import { expect } from 'chai';
import * as eventfold from '../../lib';
import { EventfoldError, isEventfoldError, type EventfoldErrorCode, type EventfoldErrorMap } from '../../lib';
import * as configErrors from '../../lib/cli/config/config-errors';
import * as deadLetterErrors from '../../lib/cli/dead-letters/dead-letter-errors';
import * as historyErrors from '../../lib/cli/history/history-errors';
import * as databaseErrors from '../../lib/cli/session/database-errors';
import * as subscriberErrors from '../../lib/cli/subscribers/subscriber-errors';
import type { AnyEventfoldError } from '../../lib/errors/eventfold-error-codes';
import * as uiErrors from '../../lib/ui';

/** What the package exports (eventfold/ui included), and the errors the `eventfold` command line throws. */
const modules = { ...eventfold, ...configErrors, ...deadLetterErrors, ...historyErrors, ...databaseErrors, ...subscriberErrors, ...uiErrors };
type Modules = typeof modules;

/** The name of every concrete error class among them: abstract ones cannot be thrown. */
type ErrorClassName = { [Name in keyof Modules]: Modules[Name] extends new (...args: never[]) => EventfoldError ? Name : never }[keyof Modules];
type InstanceOf<Name extends ErrorClassName> = Modules[Name] extends new (...args: never[]) => infer Instance ? Instance : never;

/** Abstract bases, exported for `instanceof` and never thrown themselves. */
const ABSTRACT_CLASSES = ['UndecodableEventError'];

const at = new Date('2026-01-01T00:00:00Z');
const location = { position: 7, type: 'OrderPlaced', streamType: 'Order', streamId: 'o-1', streamVersion: 1 };
const cause = { cause: new Error('boom') };

/** One of each: the type requires every class, so a new class without a sample does not compile. */
const samples: { [Name in ErrorClassName]: InstanceOf<Name> } = {
  InvalidArgumentError: new eventfold.InvalidArgumentError('stream.id', 'must not be empty.'),
  AggregateNotFoundError: new eventfold.AggregateNotFoundError('Order', 'o-1'),
  ApplyFailedError: new eventfold.ApplyFailedError(
    { aggregateClass: 'Order', streamType: 'Order', streamId: 'o-1', streamVersion: 1, eventType: 'OrderPlaced', method: 'placed' },
    cause,
  ),
  MissingApplyHandlerError: new eventfold.MissingApplyHandlerError('Order', 'OrderPlaced'),
  SnapshotRestoreError: new eventfold.SnapshotRestoreError('Order', { type: 'Order', id: 'o-1' }, 3, cause),
  UnregisteredAggregateError: new eventfold.UnregisteredAggregateError('Order'),
  CorruptEventError: new eventfold.CorruptEventError(location, 'its payload is not JSON.'),
  EventConstructorError: new eventfold.EventConstructorError(location, 'OrderPlaced', cause),
  EventNameConflictError: new eventfold.EventNameConflictError('OrderPlaced', 'OrderPlaced', 'OtherPlaced'),
  UnknownEventTypeError: new eventfold.UnknownEventTypeError(location),
  UnregisteredEventError: new eventfold.UnregisteredEventError('OrderPlaced'),
  FoldRowError: new eventfold.FoldRowError('stock-levels', 7, 'initial("bolt") returned undefined.'),
  CorrelationKeyError: new eventfold.CorrelationKeyError('order-expiry', 'OrderPlaced', "its field 'orderId' is undefined, not a non-empty string."),
  ProcessManagerReplayError: new eventfold.ProcessManagerReplayError('order-expiry', 'rebuild'),
  UnknownDeadlineError: new eventfold.UnknownDeadlineError('order-expiry', 'remind', ['expire']),
  StoreUsedInStepError: new eventfold.StoreUsedInStepError('order-expiry', 'append events'),
  DeadlineFailedError: new eventfold.DeadlineFailedError("deadline 'expire' of order-expiry 'o-1'", 5, { cause: new Error('exchange down') }),
  DeadlineTimeoutError: new eventfold.DeadlineTimeoutError("deadline 'expire' of order-expiry 'o-1'", 30_000),
  ConcurrencyError: new eventfold.ConcurrencyError({ type: 'Order', id: 'o-1' }, 1, 2),
  DatabaseBusyError: new eventfold.DatabaseBusyError(),
  DatabaseCorruptError: new eventfold.DatabaseCorruptError('app.db', 'SQLITE_CORRUPT'),
  DatabaseOpenError: new eventfold.DatabaseOpenError('app.db', 'the folder does not exist'),
  EventIdConflictError: new eventfold.EventIdConflictError(['0b7e3f0c-0000-4000-8000-000000000000']),
  StoreClosedError: new eventfold.StoreClosedError('append events'),
  StreamArchivedError: new eventfold.StreamArchivedError({ type: 'Order', id: 'o-1' }, 'read'),
  StreamDeletedError: new eventfold.StreamDeletedError({ type: 'Order', id: 'o-1' }, 'append to'),
  NotReadableError: new eventfold.NotReadableError(120, 97, 5000),
  DeadLetterNotFoundError: new eventfold.DeadLetterNotFoundError(9, [1, 2]),
  InlineProjectionError: new eventfold.InlineProjectionError('order-summary', { type: 'Order', id: 'o-1' }, 'OrderPlaced', 1, cause),
  DispatcherStoppedError: new eventfold.DispatcherStoppedError('resume a subscriber'),
  DuplicateSubscriberError: new eventfold.DuplicateSubscriberError('open-orders'),
  HandlerTimeoutError: new eventfold.HandlerTimeoutError('mailer', 1000),
  PositionNotReachedError: new eventfold.PositionNotReachedError(12, 5000, [{ name: 'open-orders', state: 'live', checkpoint: 9, behind: 3 }], true),
  RebuildFailedError: new eventfold.RebuildFailedError('open-orders', 5, 10, 'it halted'),
  RebuildNotSupportedError: new eventfold.RebuildNotSupportedError('open-orders'),
  SegmentsChangedError: new eventfold.SegmentsChangedError('open-orders', [2], 4, 'stop every process first.'),
  SubscriberBusyError: new eventfold.SubscriberBusyError('open-orders', 'resume', 'host-1', at),
  ProjectionResetError: new eventfold.ProjectionResetError('open-orders'),
  SubscribersNotLiveError: new eventfold.SubscribersNotLiveError([{ name: 'open-orders', state: 'standby' }], 1000),
  UnfinishedAttemptsError: new eventfold.UnfinishedAttemptsError('mailer', 7, 3, at, at),
  UnknownSubscriberError: new eventfold.UnknownSubscriberError('mailr', ['mailer']),
  UnregisteredSubscriberError: new eventfold.UnregisteredSubscriberError('Mailer'),
  ConfigInvalidError: new configErrors.ConfigInvalidError('eventfold.config.ts', 'it exports no config'),
  ConfigNotFoundError: new configErrors.ConfigNotFoundError(['eventfold.config.ts']),
  RetryFailedError: new deadLetterErrors.RetryFailedError([1], 2),
  UnknownAggregateError: new historyErrors.UnknownAggregateError('Ordr', ['Order']),
  VersionOutOfRangeError: new historyErrors.VersionOutOfRangeError('Order', 'o-1', 9, 3),
  DatabaseMissingError: new databaseErrors.DatabaseMissingError('app.db'),
  DatabaseNotGivenError: new databaseErrors.DatabaseNotGivenError(),
  NotAnEventfoldDatabaseError: new databaseErrors.NotAnEventfoldDatabaseError('app.db', 'it has no event log'),
  UnsupportedDatabaseError: new databaseErrors.UnsupportedDatabaseError('mysql://localhost/app'),
  NotAProjectionError: new subscriberErrors.NotAProjectionError('mailer', ['open-orders']),
  UnknownProjectionError: new subscriberErrors.UnknownProjectionError('open-order', ['open-orders']),
  ConfirmationRequiredError: new subscriberErrors.ConfirmationRequiredError("reset 'mailer' to the beginning"),
  BrowserListenError: new uiErrors.BrowserListenError('127.0.0.1', 4000, 'the port is in use'),
};

// Every sample is one of the errors the code union is read from, and every code of the union
// has a sample: a class left out of the union, or one whose code widened to `string`, fails to
// compile here.
const everyError: readonly AnyEventfoldError[] = Object.values(samples);
type SampleCode = (typeof samples)[ErrorClassName]['code'];
const codesWithoutSample: [Exclude<EventfoldErrorCode, SampleCode>] extends [never] ? true : false = true;
const codesAreLiterals: string extends EventfoldErrorCode ? false : true = true;

describe('Error codes', () => {
  it('has a sample of every error class the package and the command line export', () => {
    const exported = Object.entries(modules)
      .filter(([name, value]) => typeof value === 'function' && value.prototype instanceof EventfoldError && !ABSTRACT_CLASSES.includes(name))
      .map(([name]) => name);

    expect(Object.keys(samples)).to.have.members(exported);
    for (const [name, sample] of Object.entries(samples)) expect(sample, name).to.be.instanceOf(modules[name as ErrorClassName]);
    expect(codesWithoutSample && codesAreLiterals).to.equal(true);
  });

  it('gives every error class a code of its own', () => {
    const classesByCode = new Map<string, string[]>();
    for (const error of everyError) classesByCode.set(error.code, [...(classesByCode.get(error.code) ?? []), error.constructor.name]);

    const shared = [...classesByCode].filter(([, classes]) => classes.length > 1);
    expect(shared, 'codes declared by more than one class').to.deep.equal([]);
    for (const code of classesByCode.keys()) expect(code).to.match(/^EVENTFOLD_[A-Z_]+$/);
  });

  it('recognises each error by its code, and no other code', () => {
    for (const error of everyError) {
      expect(isEventfoldError(error), error.code).to.equal(true);
      expect(isEventfoldError(error, error.code), error.code).to.equal(true);
      expect(isEventfoldError(error, error.code === 'EVENTFOLD_CONCURRENCY' ? 'EVENTFOLD_STORE_CLOSED' : 'EVENTFOLD_CONCURRENCY'), error.code).to.equal(false);
    }
  });

  it('recognises an error of another copy of the package by its code, and nothing else', () => {
    const fromOtherCopy: unknown = Object.assign(new Error('Order o-1 is at version 2'), { code: 'EVENTFOLD_CONCURRENCY' });

    expect(isEventfoldError(fromOtherCopy, 'EVENTFOLD_CONCURRENCY')).to.equal(true);
    expect(isEventfoldError(new Error('plain'))).to.equal(false);
    expect(isEventfoldError({ code: 'ENOENT' })).to.equal(false);
    expect(isEventfoldError(null)).to.equal(false);
    // @ts-expect-error -- a misspelt code does not compile
    expect(isEventfoldError(fromOtherCopy, 'EVENTFOLD_CONCURENCY')).to.equal(false);
  });

  it("narrows an error to its code's class, so its fields read without a cast", () => {
    const caught: unknown = samples.ConcurrencyError;
    if (!isEventfoldError(caught, 'EVENTFOLD_CONCURRENCY')) expect.fail('not recognised');
    const narrowed: EventfoldErrorMap['EVENTFOLD_CONCURRENCY'] = caught;

    expect(narrowed.stream).to.deep.equal({ type: 'Order', id: 'o-1' });
    expect([caught.expected, caught.actual]).to.deep.equal([1, 2]);
  });
});
