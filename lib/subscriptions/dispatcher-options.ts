import type { SubscriberLogger } from './logging/subscriber-logger';

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
  /** Events read per query while catching up. Defaults to 500. */
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
}
