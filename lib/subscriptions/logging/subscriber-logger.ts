/**
 * Where a dispatcher reports what an operator has to know about: an event parked as a dead
 * letter, a subscriber halted, a lease taken over by another process, a subscriber falling
 * behind. Each report is one line that names the subscriber, the event and the command that
 * deals with it.
 *
 * The shape is the one `console`, pino, winston and most loggers have, so any of them fits.
 *
 * @example
 * ```ts
 * const dispatcher = await Dispatcher.start(store, subscribers, { logger: console }); // or pino(), winston…
 * // or keep quiet: { logger: false }
 * ```
 */
export interface SubscriberLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything, for `logger: false`. */
export const SILENT_LOGGER: SubscriberLogger = Object.freeze({
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
});
