import type { AggregateNotFoundError } from '../aggregates/aggregate-not-found-error';
import type { ApplyFailedError } from '../aggregates/apply-failed-error';
import type { MissingApplyHandlerError } from '../aggregates/missing-apply-handler-error';
import type { SnapshotRestoreError } from '../aggregates/snapshot-restore-error';
import type { UnregisteredAggregateError } from '../aggregates/unregistered-aggregate-error';
import type { ConfigInvalidError, ConfigNotFoundError, TypeScriptNotFoundError } from '../cli/config/config-errors';
import type { RetryFailedError } from '../cli/dead-letters/dead-letter-errors';
import type { UnknownAggregateError, VersionOutOfRangeError } from '../cli/history/history-errors';
import type { DatabaseMissingError, DatabaseNotGivenError, NotAnEventfoldDatabaseError, UnsupportedDatabaseError } from '../cli/session/database-errors';
import type { NotAProjectionError, UnknownProjectionError } from '../cli/subscribers/subscriber-errors';
import type { EventNameConflictError } from '../events/event-name-conflict-error';
import type { CorruptEventError, EventConstructorError, UnknownEventTypeError } from '../events/undecodable-event-error';
import type { UnregisteredEventError } from '../events/unregistered-event-error';
import type { ConcurrencyError } from '../store/concurrency-error';
import type { DatabaseBusyError } from '../store/database-busy-error';
import type { DatabaseOpenError } from '../store/database-open-error';
import type { EventIdConflictError } from '../store/event-id-conflict-error';
import type { DatabaseCorruptError } from '../store/sqlite/database-corrupt-error';
import type { StoreClosedError } from '../store/store-closed-error';
import type { DeadLetterNotFoundError } from '../subscriptions/operations/dead-letter-not-found-error';
import type { SubscriberBusyError } from '../subscriptions/operations/subscriber-busy-error';
import type {
  DispatcherStoppedError,
  DuplicateSubscriberError,
  HandlerTimeoutError,
  RebuildFailedError,
  RebuildNotSupportedError,
  SegmentsChangedError,
  SubscribersNotLiveError,
  UnfinishedAttemptsError,
  UnknownSubscriberError,
  UnregisteredSubscriberError,
} from '../subscriptions/subscriber-errors';
import type { InvalidArgumentError } from './invalid-argument-error';

/**
 * Every error eventfold throws, those of the `eventfold` command line included. Each class
 * declares its own `code`; {@link EventfoldErrorCode} and {@link EventfoldErrorMap} are read off
 * this union, so a code exists exactly where a class declares it.
 */
export type AnyEventfoldError =
  | InvalidArgumentError
  // Aggregates
  | AggregateNotFoundError
  | ApplyFailedError
  | MissingApplyHandlerError
  | SnapshotRestoreError
  | UnregisteredAggregateError
  // Events
  | CorruptEventError
  | EventConstructorError
  | EventNameConflictError
  | UnknownEventTypeError
  | UnregisteredEventError
  // Store
  | ConcurrencyError
  | DatabaseBusyError
  | DatabaseCorruptError
  | DatabaseOpenError
  | EventIdConflictError
  | StoreClosedError
  // Subscriptions
  | DeadLetterNotFoundError
  | DispatcherStoppedError
  | DuplicateSubscriberError
  | HandlerTimeoutError
  | RebuildFailedError
  | RebuildNotSupportedError
  | SegmentsChangedError
  | SubscriberBusyError
  | SubscribersNotLiveError
  | UnfinishedAttemptsError
  | UnknownSubscriberError
  | UnregisteredSubscriberError
  // The command line
  | ConfigInvalidError
  | ConfigNotFoundError
  | DatabaseMissingError
  | DatabaseNotGivenError
  | NotAProjectionError
  | NotAnEventfoldDatabaseError
  | RetryFailedError
  | TypeScriptNotFoundError
  | UnknownAggregateError
  | UnknownProjectionError
  | UnsupportedDatabaseError
  | VersionOutOfRangeError;

/**
 * The code of every error eventfold throws, such as `'EVENTFOLD_CONCURRENCY'`: what
 * {@link isEventfoldError} accepts, so a code autocompletes and a misspelt one does not compile.
 *
 * @example
 * ```ts
 * const retryable: EventfoldErrorCode[] = ['EVENTFOLD_CONCURRENCY', 'EVENTFOLD_DATABASE_BUSY'];
 * ```
 */
export type EventfoldErrorCode = AnyEventfoldError['code'];

/**
 * The error class of each code: `EventfoldErrorMap['EVENTFOLD_CONCURRENCY']` is
 * {@link ConcurrencyError}. {@link isEventfoldError} narrows to it.
 *
 * @example
 * ```ts
 * function expectedVersionOf(error: EventfoldErrorMap['EVENTFOLD_CONCURRENCY']) {
 *   return error.expected;
 * }
 * ```
 */
export type EventfoldErrorMap = { [Error in AnyEventfoldError as Error['code']]: Error };
