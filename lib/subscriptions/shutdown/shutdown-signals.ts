import { constants } from 'node:os';
import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import { describeValue } from '../../store/describe-value';

/** The signals a dispatcher can stop on: those that ask a process to end, rather than kill it. */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'] as const;

/**
 * A signal that stops a dispatcher started with `stopOnSignals`: `SIGTERM` (what `docker stop`
 * and Kubernetes send), `SIGINT` (Ctrl-C), `SIGHUP` or `SIGQUIT`.
 */
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/** The signals `stopOnSignals: true` stands for. */
const DEFAULT_SIGNALS: readonly ShutdownSignal[] = ['SIGTERM', 'SIGINT'];

/**
 * The exit code of a process ended by `signal`, as shells and container runtimes report it:
 * 128 plus the signal's number (143 for SIGTERM, 130 for SIGINT).
 */
export function exitCodeOf(signal: ShutdownSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * Checks the `stopOnSignals` option: `true` for SIGTERM and SIGINT, a list of signals, or
 * `false`/nothing. Returns the signals, none when the option is off.
 *
 * @throws {@link InvalidArgumentError} for anything else, or a signal it does not know.
 */
export function checkShutdownSignals(value: unknown): readonly ShutdownSignal[] {
  if (value === undefined || value === false) return [];
  if (value === true) return DEFAULT_SIGNALS;
  const expected = `expected true, false or a list of signals among ${SHUTDOWN_SIGNALS.join(', ')}`;
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidArgumentError('options.stopOnSignals', `${expected}, got ${Array.isArray(value) ? 'an empty list' : describeValue(value)}.`);
  }
  for (const signal of value) {
    if (!(SHUTDOWN_SIGNALS as readonly unknown[]).includes(signal)) {
      throw new InvalidArgumentError('options.stopOnSignals', `${expected}, got ${describeValue(signal)} in the list.`);
    }
  }
  return Object.freeze([...new Set(value as ShutdownSignal[])]);
}
