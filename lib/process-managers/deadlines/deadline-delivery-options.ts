import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import { describeValue } from '../../store/describe-value';
import { MAX_TIMER_DELAY_MS } from '../../validation/timer-delay';
import { checkWholeNumber } from '../../validation/whole-number';
import type { DeadlineBackend, DeadlineReceiver } from './deadline-attempt';

/** How a {@link DeadlineDelivery} is set up. */
export interface DeadlineDeliveryOptions {
  /** The store's database. */
  readonly backend: DeadlineBackend;
  /** The process managers whose deadlines this delivery delivers, by name. Others' are left alone. */
  readonly processManagers: ReadonlyMap<string, DeadlineReceiver>;
  /**
   * How often to look for due deadlines when none is known to fall due sooner: the longest a
   * deadline scheduled by another process waits after its due time (this process is told of its
   * own through `wake`), and how soon one left by a killed process is taken over.
   */
  readonly pollIntervalMs: number;
  /**
   * Told of what went wrong: a deadline that failed its last attempt ({@link DeadlineFailedError}),
   * and eventfold's own failures (the database went away), after which the delivery pauses and
   * looks again. `processManager` is undefined when the failure was not one process manager's.
   */
  readonly onError: (error: unknown, processManager: string | undefined) => void;
  /** The clock, in milliseconds since 1970: `Date.now` unless a spec or test fixture sets time itself. */
  readonly now?: () => number;
  /**
   * At most how many due deadlines one transaction delivers, each after a savepoint of its own so
   * that one that fails undoes nothing of the others. It matters only when several are due at
   * once (a backlog after a restart, a burst): fewer commits then deliver them faster (1.3 to 2
   * times with 10 rather than 1, measured on both databases), but each deadline's effects
   * commit only with the last of its transaction, and on SQLite the write lock is held for all
   * of them. Defaults to {@link DEFAULT_DEADLINES_PER_TRANSACTION}; 1 commits each on its own.
   */
  readonly deadlinesPerTransaction?: number;
}

/** Due deadlines delivered per transaction unless `deadlinesPerTransaction` says otherwise. */
export const DEFAULT_DEADLINES_PER_TRANSACTION = 10;

/** The options, checked, with defaults filled in. */
export type DeadlineDeliverySettings = Required<DeadlineDeliveryOptions>;

/** Checks the options of a delivery, naming what is wrong. */
export function deadlineDeliverySettings(options: DeadlineDeliveryOptions): DeadlineDeliverySettings {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', `expected an object, got ${describeValue(options)}.`);
  const { backend, processManagers, pollIntervalMs, onError, now = Date.now, deadlinesPerTransaction = DEFAULT_DEADLINES_PER_TRANSACTION } = options;
  if (typeof backend?.transaction !== 'function') throw new InvalidArgumentError('options.backend', `expected the store's backend, got ${describeValue(backend)}.`);
  if (!(processManagers instanceof Map))
    throw new InvalidArgumentError('options.processManagers', `expected a Map of names to receivers, got ${describeValue(processManagers)}.`);
  for (const [name, receiver] of processManagers) {
    if (typeof name !== 'string' || name === '') throw new InvalidArgumentError('options.processManagers', `expected non-empty names, got ${describeValue(name)}.`);
    if (typeof receiver?.deliver !== 'function' || typeof receiver.retry !== 'object' || receiver.retry === null) {
      throw new InvalidArgumentError(`options.processManagers '${name}'`, 'expected { deliver, retry } with deliver a function and retry a retry policy.');
    }
  }
  checkWholeNumber(pollIntervalMs, 'options.pollIntervalMs', { max: MAX_TIMER_DELAY_MS });
  if (typeof onError !== 'function') throw new InvalidArgumentError('options.onError', `expected a function, got ${describeValue(onError)}.`);
  if (typeof now !== 'function') throw new InvalidArgumentError('options.now', `expected a function returning milliseconds, got ${describeValue(now)}.`);
  checkWholeNumber(deadlinesPerTransaction, 'options.deadlinesPerTransaction', { max: 100 });
  return { backend, processManagers, pollIntervalMs, onError, now, deadlinesPerTransaction };
}
