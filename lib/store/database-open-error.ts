import { EventfoldError } from '../errors/eventfold-error';

/**
 * The database given to {@link EventStore.open} could not be opened or prepared: the file is not
 * an SQLite database, its folder does not exist, or its schema could not be migrated.
 */
export class DatabaseOpenError extends EventfoldError {
  readonly code = 'EVENTFOLD_DATABASE_OPEN';

  constructor(
    /** Which database: a file name, or a description of the dialect. */
    readonly database: string,
    /** What went wrong and what to do. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot open event store ${database}: ${reason}`, options);
  }
}
