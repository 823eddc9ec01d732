import { EventfoldError } from '../errors/eventfold-error';

/** The store was used after {@link EventStore.close}. Open a new store instead. */
export class StoreClosedError extends EventfoldError {
  readonly code = 'EVENTFOLD_STORE_CLOSED';

  constructor(
    /** The operation that was attempted. */
    readonly operation: string,
  ) {
    super(`Cannot ${operation}: the event store is closed. Open a new one with EventStore.open(...).`);
  }
}
