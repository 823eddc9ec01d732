import { EventfoldError } from '../errors/eventfold-error';

/**
 * Another process held the database's write lock for longer than the busy timeout. Nothing was
 * written. Retry, raise `busyTimeoutMs`, or shorten the other process's transactions.
 */
export class DatabaseBusyError extends EventfoldError {
  readonly code = 'EVENTFOLD_DATABASE_BUSY';

  constructor(options?: { cause?: unknown }) {
    super(
      'The database stayed locked by another writer for longer than the busy timeout, so nothing was written. ' +
        'Retry the operation, raise the busyTimeoutMs option, or keep other transactions on this file short.',
      options,
    );
  }
}
