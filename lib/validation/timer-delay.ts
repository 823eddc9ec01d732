import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { describeValue } from '../store/describe-value';

/**
 * The longest delay, in milliseconds, that a timer of this library takes: Node keeps a timer's
 * delay in a signed 32-bit integer and fires a longer one after 1 ms instead, so an option that
 * ends up in `setTimeout` is refused above this rather than silently cut short.
 *
 * @example
 * ```ts
 * const leaseMs = 2 ** 40;
 * console.log(leaseMs <= MAX_TIMER_DELAY_MS); // false: an option this long is refused
 * ```
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Returns `value` as a timeout in whole milliseconds (`fallback` when undefined), from 0 to
 * {@link MAX_TIMER_DELAY_MS}.
 *
 * @example
 * ```ts
 * const timeoutMs = checkTimeoutMs(undefined, 'options.timeoutMs', 30_000); // 30000
 * ```
 * @throws {@link InvalidArgumentError} naming `argument` for anything else.
 */
export function checkTimeoutMs(value: unknown, argument: string, fallback: number): number {
  const timeoutMs = value ?? fallback;
  if (typeof timeoutMs !== 'number' || !Number.isSafeInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > MAX_TIMER_DELAY_MS) {
    throw new InvalidArgumentError(argument, `expected whole milliseconds from 0 to ${MAX_TIMER_DELAY_MS}, got ${describeValue(timeoutMs)}.`);
  }
  return timeoutMs;
}
