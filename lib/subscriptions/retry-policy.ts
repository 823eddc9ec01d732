import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { MAX_TIMER_DELAY_MS } from '../validation/timer-delay';
import { checkWholeNumber } from '../validation/whole-number';

/**
 * How a subscriber retries an event whose handler threw or timed out. The delay before retry
 * `n` is `initialDelayMs * factor^(n-1)`, capped at `maxDelayMs`, then spread by jitter: a random
 * share of up to `jitter` of it is taken off, so that many failing events do not retry in step.
 */
export interface RetryOptions {
  /** Delay before the first retry. Defaults to 100 ms. */
  initialDelayMs?: number;
  /** Growth of the delay per attempt. Defaults to 2. */
  factor?: number;
  /** Longest delay. Defaults to 30 s. */
  maxDelayMs?: number;
  /** Attempts in all, the first included. Defaults to 5; 1 means no retry. */
  maxAttempts?: number;
  /** How long one attempt may take before it counts as failed. Defaults to 30 s. */
  timeoutMs?: number;
  /** Share of each delay that is randomized, from 0 to 1. Defaults to 0.5. */
  jitter?: number;
}

/** A validated, complete {@link RetryOptions}. */
export type RetryPolicy = Readonly<Required<RetryOptions>>;

const DEFAULTS: RetryPolicy = Object.freeze({
  initialDelayMs: 100,
  factor: 2,
  maxDelayMs: 30_000,
  maxAttempts: 5,
  timeoutMs: 30_000,
  jitter: 0.5,
});

/** Fills in defaults and rejects values that make no sense, naming the subscriber. */
export function retryPolicyOf(options: RetryOptions | undefined, subscriber: string): RetryPolicy {
  const policy = { ...DEFAULTS, ...options };
  const argument = (field: string) => `retry.${field} of subscriber '${subscriber}'`;
  for (const field of ['initialDelayMs', 'maxDelayMs', 'timeoutMs'] as const) {
    // A delay past what Node's timers take would fire after 1 ms instead.
    if (!Number.isFinite(policy[field]) || policy[field] < 0 || policy[field] > MAX_TIMER_DELAY_MS)
      throw new InvalidArgumentError(argument(field), `expected milliseconds from 0 to ${MAX_TIMER_DELAY_MS}, got ${String(policy[field])}.`);
  }
  checkWholeNumber(policy.maxAttempts, argument('maxAttempts'));
  if (!Number.isFinite(policy.factor) || policy.factor < 1) throw new InvalidArgumentError(argument('factor'), `expected a number >= 1, got ${String(policy.factor)}.`);
  if (!(policy.jitter >= 0 && policy.jitter <= 1)) throw new InvalidArgumentError(argument('jitter'), `expected a number from 0 to 1, got ${String(policy.jitter)}.`);
  return Object.freeze(policy);
}

/** The delay before the retry that follows failed attempt `attempt` (1-based). */
export function retryDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** (attempt - 1));
  return Math.round(exponential * (1 - policy.jitter * random()));
}
