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
