import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import type { EventStore } from '../../event-store/event-store';
import { describeValue } from '../../store/describe-value';
import { EventLog } from '../../store/event-log';
import { StoreClosedError } from '../../store/store-closed-error';

/**
 * Checks the store and the process manager's name a read of process instances was given.
 *
 * @throws {@link InvalidArgumentError} for something other than an event store or a name.
 * @throws {@link StoreClosedError} when the store is closed.
 */
export function checkInspection(store: EventStore, operation: string, processManager?: string): void {
  if (!(store instanceof EventLog)) throw new InvalidArgumentError('store', `expected an open EventStore, from EventStore.open(...), got ${describeValue(store)}.`);
  if (store.isClosed) throw new StoreClosedError(operation);
  if (processManager !== undefined && (typeof processManager !== 'string' || processManager.trim() === '')) {
    throw new InvalidArgumentError('processManager', `expected the name given to @ProcessManager, got ${describeValue(processManager)}.`);
  }
}
