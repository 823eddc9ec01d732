import { EventfoldError } from '../../errors/eventfold-error';

/** Some retried dead letters failed again (they stay dead letters). */
export class RetryFailedError extends EventfoldError {
  readonly code = 'EVENTFOLD_CLI_RETRY_FAILED';

  constructor(
    /** Ids of the dead letters that failed again. */
    readonly ids: readonly number[],
    /** How many were retried. */
    readonly retried: number,
  ) {
    super(
      `${ids.length} of ${retried} dead letter${retried === 1 ? '' : 's'} failed again and stay${ids.length === 1 ? 's' : ''} in the dead letters (id ${ids.join(', ')}). ` +
        'Fix the cause and retry, or discard them.',
    );
  }
}
