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
}

/** The options, checked, with defaults filled in. */
export type DeadlineDeliverySettings = Required<DeadlineDeliveryOptions>;

/** Checks the options of a delivery, naming what is wrong. */
export function deadlineDeliverySettings(options: DeadlineDeliveryOptions): DeadlineDeliverySettings {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', `expected an object, got ${describeValue(options)}.`);
  const { backend, processManagers, pollIntervalMs, onError, now = Date.now } = options;
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
  return { backend, processManagers, pollIntervalMs, onError, now };
}
