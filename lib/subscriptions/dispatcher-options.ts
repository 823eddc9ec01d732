import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { describeValue } from '../store/describe-value';
import type { SubscriberLogger } from './logging/subscriber-logger';
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
    leaseMs: wholeNumber(options.leaseMs, 5000, 'options.leaseMs'),
    pollIntervalMs: wholeNumber(options.pollIntervalMs, 250, 'options.pollIntervalMs'),
    pageSize: wholeNumber(options.pageSize, 1000, 'options.pageSize'),
    processId,
    logger: logger ?? console,
    onError,
    horizonStallWarnMs: wholeNumber(options.horizonStallWarnMs, 30_000, 'options.horizonStallWarnMs'),
  });
}

function wholeNumber(value: unknown, fallback: number, argument: string): number {
  return value === undefined ? fallback : checkWholeNumber(value, argument);
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
