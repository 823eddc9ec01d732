import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { describeValue } from '../store/describe-value';
import type { SubscriberLogger } from './logging/subscriber-logger';
import { checkShutdownSignals, type ShutdownSignal } from './shutdown/shutdown-signals';
import type { SignalShutdownSettings } from './shutdown/signal-shutdown';
import { MAX_TIMER_DELAY_MS } from '../validation/timer-delay';
import { checkWholeNumber } from '../validation/whole-number';

/** Options of {@link Dispatcher.start}. */
export interface DispatcherOptions {
  /**
   * How long a subscriber's lease lasts without renewal, in milliseconds. Where several processes
   * share a database, another process takes a subscriber over this long after its holder died.
   * Defaults to 5000.
   */
  leaseMs?: number;
  /**
   * How often to look for events appended by other processes, in milliseconds. Appends of this
   * process reach subscribers at once, without waiting for this. Defaults to 250.
   */
  pollIntervalMs?: number;
  /** Events read per query while catching up. Defaults to 1000, the default batch of a projection. */
  pageSize?: number;
  /** Identifies this process in leases. Defaults to host name, process id and a random part. */
  processId?: string;
  /**
   * Where parked events, halts, lost leases and subscribers falling behind are reported, one line
   * each with the command that deals with it. Any logger with `info`, `warn` and `error` fits
   * (`console`, pino, winston); `false` reports nothing. Defaults to `console`.
   */
  logger?: SubscriberLogger | false;
  /**
   * Told about failures of the dispatcher's own work (a lost connection while saving a
   * checkpoint); handler failures go to retries and dead letters instead. Defaults to an error
   * line through `logger`.
   */
  onError?: (error: unknown, subscriber: string) => void;
  /**
   * PostgreSQL: how long subscribers may be held back by a transaction left open on the server
   * before `logger` warns, naming the transaction and how to end it, in milliseconds. Events
   * become readable only once every transaction older than them has ended, in any database of the
   * server (see {@link HorizonStall}); `dispatcher.stats()` shows the stall from its first second.
   * Defaults to 30000.
   */
  horizonStallWarnMs?: number;
  /**
   * Stops the dispatcher cleanly when the process receives one of these signals, then lets the
   * process exit: `true` for `SIGTERM` (what `docker stop` and Kubernetes send) and `SIGINT`
   * (Ctrl-C), or a list. Events in progress finish, checkpoints are saved and leases are given up,
   * so another process takes the subscribers over at once; then `onShutdown` runs, and the process
   * exits with 128 + the signal's number (143 for SIGTERM, 130 for SIGINT) unless the application
   * listens to that signal too. A second signal exits at once. `dispatcher.stop()` removes the
   * listeners. Defaults to `false`.
   */
  stopOnSignals?: boolean | readonly ShutdownSignal[];
  /**
   * With `stopOnSignals`: how long the stop and `onShutdown` may take before the process exits
   * anyway, in milliseconds. Keep it below the time the platform waits before it kills the
   * process (Kubernetes' `terminationGracePeriodSeconds`, 30 s by default). Defaults to 25000.
   */
  shutdownTimeoutMs?: number;
  /**
   * With `stopOnSignals`: called once the dispatcher has stopped on a signal, before the process
   * exits, to close what else the application holds (the store, an HTTP server). The dispatcher
   * does not close the store itself. Awaited, within `shutdownTimeoutMs`.
   */
  onShutdown?: (signal: ShutdownSignal) => void | Promise<void>;
}

/** {@link DispatcherOptions} checked, with defaults filled in. */
export interface DispatcherSettings {
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  readonly pageSize: number;
  readonly processId: string | undefined;
  readonly logger: SubscriberLogger | false;
  readonly onError: ((error: unknown, subscriber: string) => void) | undefined;
  readonly horizonStallWarnMs: number;
  /** What to do on a signal; no signals when `stopOnSignals` is off. */
  readonly shutdown: SignalShutdownSettings;
}

/**
 * Checks every option before anything starts, so that a mistake throws with nothing left
 * running.
 *
 * @throws {@link InvalidArgumentError} naming the option and what was expected.
 */
export function checkDispatcherOptions(options: DispatcherOptions | undefined): DispatcherSettings {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError('options', `expected an object of dispatcher options or nothing, got ${options === null ? 'null' : typeof options}.`);
  }
  const { processId, logger, onError } = options;
  if (processId !== undefined && (typeof processId !== 'string' || processId.trim() === '')) {
    throw new InvalidArgumentError('options.processId', `expected a non-empty string, got ${describe(processId)}.`);
  }
  if (logger !== undefined && logger !== false && !isLogger(logger)) {
    throw new InvalidArgumentError('options.logger', 'expected an object with info, warn and error methods (console, pino, winston), or false.');
  }
  if (onError !== undefined && typeof onError !== 'function') {
    throw new InvalidArgumentError('options.onError', `expected a function (error, subscriber) => void, got ${describe(onError)}.`);
  }
  return Object.freeze({
    leaseMs: timerDelay(options.leaseMs, 5000, 'options.leaseMs'),
    pollIntervalMs: timerDelay(options.pollIntervalMs, 250, 'options.pollIntervalMs'),
    pageSize: wholeNumber(options.pageSize, 1000, 'options.pageSize'),
    processId,
    logger: logger ?? console,
    onError,
    horizonStallWarnMs: timerDelay(options.horizonStallWarnMs, 30_000, 'options.horizonStallWarnMs'),
    shutdown: checkShutdownOptions(options),
  });
}

function checkShutdownOptions(options: DispatcherOptions): SignalShutdownSettings {
  const signals = checkShutdownSignals(options.stopOnSignals);
  const { onShutdown, shutdownTimeoutMs } = options;
  if (onShutdown !== undefined && typeof onShutdown !== 'function') {
    throw new InvalidArgumentError('options.onShutdown', `expected a function (signal) => void | Promise<void>, got ${describe(onShutdown)}.`);
  }
  const timeoutMs = timerDelay(shutdownTimeoutMs, 25_000, 'options.shutdownTimeoutMs');
  if (signals.length === 0) {
    // Without signals to stop on, these would be silently ignored.
    const unused = onShutdown !== undefined ? 'options.onShutdown' : shutdownTimeoutMs !== undefined ? 'options.shutdownTimeoutMs' : undefined;
    if (unused) throw new InvalidArgumentError(unused, 'is used only on a signal: set stopOnSignals (true for SIGTERM and SIGINT) as well.');
  }
  return Object.freeze({ signals, timeoutMs, onShutdown });
}

function wholeNumber(value: unknown, fallback: number, argument: string): number {
  return value === undefined ? fallback : checkWholeNumber(value, argument);
}

/** Milliseconds that end up in a timer: longer than Node's timers take would fire at once. */
function timerDelay(value: unknown, fallback: number, argument: string): number {
  return value === undefined ? fallback : checkWholeNumber(value, argument, { max: MAX_TIMER_DELAY_MS });
}

function isLogger(value: unknown): value is SubscriberLogger {
  const candidate = value as Partial<Record<keyof SubscriberLogger, unknown>> | null;
  return (
    typeof candidate === 'object' && candidate !== null && ['info', 'warn', 'error'].every((level) => typeof candidate[level as keyof SubscriberLogger] === 'function')
  );
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' ? (value === null ? 'null' : 'an object') : describeValue(value);
}
