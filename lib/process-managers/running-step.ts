import { AsyncLocalStorage } from 'node:async_hooks';
import { StoreUsedInStepError } from './process-manager-errors';

/** The process manager whose step's method is running, in the async context of that method. */
const runningStep = new AsyncLocalStorage<string>();

/** Runs a step's method, marking its async context as inside a step of `processManager`. */
export function insideStep<T>(processManager: string, method: () => T): T {
  return runningStep.run(processManager, method);
}

/**
 * Refuses `operation` on the store itself from inside a step's method: it would wait for the
 * step's own transaction (SQLite's one connection; PostgreSQL's append lock) and never finish.
 *
 * @throws {@link StoreUsedInStepError} naming the process manager.
 */
export function assertNotInsideStep(operation: string): void {
  const processManager = runningStep.getStore();
  if (processManager !== undefined) throw new StoreUsedInStepError(processManager, operation);
}
