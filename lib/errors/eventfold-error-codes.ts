import type * as aggregateNotFound from '../aggregates/aggregate-not-found-error';
import type * as applyFailed from '../aggregates/apply-failed-error';
import type * as missingApplyHandler from '../aggregates/missing-apply-handler-error';
import type * as snapshotRestore from '../aggregates/snapshot-restore-error';
import type * as unregisteredAggregate from '../aggregates/unregistered-aggregate-error';
import type * as configErrors from '../cli/config/config-errors';
import type * as deadLetterCommandErrors from '../cli/dead-letters/dead-letter-errors';
import type * as historyErrors from '../cli/history/history-errors';
import type * as databaseErrors from '../cli/session/database-errors';
import type * as subscriberCommandErrors from '../cli/subscribers/subscriber-errors';
import type * as eventNameConflict from '../events/event-name-conflict-error';
import type * as foldRow from '../folds/fold-row-error';
import type * as processManagerErrors from '../process-managers/process-manager-errors';
import type * as deadlineErrors from '../process-managers/deadlines/deadline-errors';
import type * as undecodableEvent from '../events/undecodable-event-error';
import type * as unregisteredEvent from '../events/unregistered-event-error';
import type * as concurrency from '../store/concurrency-error';
import type * as databaseBusy from '../store/database-busy-error';
import type * as databaseOpen from '../store/database-open-error';
import type * as eventIdConflict from '../store/event-id-conflict-error';
import type * as notReadable from '../store/not-readable-error';
import type * as databaseCorrupt from '../store/sqlite/database-corrupt-error';
import type * as storeClosed from '../store/store-closed-error';
import type * as streamArchived from '../store/lifecycle/stream-archived-error';
import type * as streamDeleted from '../store/lifecycle/stream-deleted-error';
import type * as deadLetterNotFound from '../subscriptions/operations/dead-letter-not-found-error';
import type * as subscriberBusy from '../subscriptions/operations/subscriber-busy-error';
import type * as inlineProjection from '../subscriptions/inline/inline-projection-error';
import type * as projectionReset from '../subscriptions/operations/projection-reset-error';
import type * as subscriberErrors from '../subscriptions/subscriber-errors';
import type * as uiErrors from '../ui/ui-errors';
import type { EventfoldError } from './eventfold-error';
import type * as invalidArgument from './invalid-argument-error';

/** The errors a module throws: the instances of the concrete `EventfoldError` classes it exports. */
type ErrorsOf<Module> = {
  [Name in keyof Module]: Module[Name] extends new (...args: never[]) => infer Instance ? (Instance extends EventfoldError ? Instance : never) : never;
}[keyof Module];

/**
 * Every error eventfold throws, those of the `eventfold` command line included: the instances of
 * every error class the modules below export. Each class declares its own `code`;
 * {@link EventfoldErrorCode} and {@link EventfoldErrorMap} are read off this union, so a code
 * exists exactly where a class declares it, and a class added to one of these modules joins by
 * itself.
 */
export type AnyEventfoldError = ErrorsOf<
  typeof invalidArgument &
    typeof aggregateNotFound &
    typeof applyFailed &
    typeof missingApplyHandler &
    typeof snapshotRestore &
    typeof unregisteredAggregate &
    typeof eventNameConflict &
    typeof foldRow &
    typeof processManagerErrors &
    typeof deadlineErrors &
    typeof undecodableEvent &
    typeof unregisteredEvent &
    typeof concurrency &
    typeof databaseBusy &
    typeof databaseCorrupt &
    typeof databaseOpen &
    typeof eventIdConflict &
    typeof notReadable &
    typeof storeClosed &
    typeof streamArchived &
    typeof streamDeleted &
    typeof deadLetterNotFound &
    typeof subscriberBusy &
    typeof inlineProjection &
    typeof projectionReset &
    typeof subscriberErrors &
    typeof configErrors &
    typeof deadLetterCommandErrors &
    typeof historyErrors &
    typeof databaseErrors &
    typeof subscriberCommandErrors &
    typeof uiErrors
>;

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
