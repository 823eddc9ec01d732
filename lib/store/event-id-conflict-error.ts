import { EventfoldError } from '../errors/eventfold-error';

/**
 * An append reused event ids that are already stored, but not as the same append: the ids
 * belong to another stream or position, or only some of the batch is stored. A true retry of an
 * append succeeds quietly instead; this error means two different events share an id.
 */
export class EventIdConflictError extends EventfoldError {
  readonly code = 'EVENTFOLD_EVENT_ID_CONFLICT';

  constructor(
    /** The ids that are already stored. */
    readonly eventIds: readonly string[],
  ) {
    super(
      `Event id ${eventIds.join(', ')} is already stored for a different event. ` +
        'Give each new event a fresh id (or omit the id and let eventfold create one); reuse an id only to retry the very same append.',
    );
  }
}
