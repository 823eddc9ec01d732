import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { encodeMetadata } from '../events/encode-metadata';
import type { EventMetadata } from '../events/event-metadata';
import { describeValue } from '../store/describe-value';
import { optionsObject } from '../store/options-object';
import { MAX_TIMER_DELAY_MS } from '../validation/timer-delay';

/** The most retries {@link UpdateOptions.retries} takes: past that, a stream is too busy to win by trying. */
export const MAX_UPDATE_RETRIES = 100;

/**
 * How long {@link Repository.update} waits before deciding again after a conflict. The delay
 * before retry `n` is `initialDelayMs * factor^(n-1)`, capped at `maxDelayMs`, then spread by
 * jitter: a random share of up to `jitter` of it is taken off, so that writers that collided do
 * not collide again in step.
 *
 * @example
 * ```ts
 * await orders.update('o-1', (order) => order.cancel(), { backoff: { initialDelayMs: 20, maxDelayMs: 500 } });
 * ```
 */
export interface ConflictBackoff {
  /** Delay before the first retry. Defaults to 5 ms; 0 retries at once. */
  initialDelayMs?: number;
  /** Growth of the delay per retry, at least 1. Defaults to 2. */
  factor?: number;
  /** Longest delay. Defaults to 200 ms. */
  maxDelayMs?: number;
  /** Share of each delay that is randomized, from 0 to 1. Defaults to 0.5. */
  jitter?: number;
}

/**
 * Options of {@link Repository.update} and {@link Repository.updateOrCreate}.
 *
 * @example
 * ```ts
 * await orders.update('o-1', (order) => order.ship('post'), { retries: 5, metadata: { correlationId: requestId } });
 * ```
 */
export interface UpdateOptions {
  /**
   * How many times to load and decide again after a `ConcurrencyError`, from 0 to 100. Defaults
   * to 3, so a command is decided at most 4 times.
   */
  retries?: number;
  /** How long to wait between attempts. */
  backoff?: ConflictBackoff;
  /** Metadata stored with every saved event, as with `save`. */
  metadata?: EventMetadata;
}

/** A validated, complete {@link ConflictBackoff}. */
export type BackoffPolicy = Readonly<Required<ConflictBackoff>>;

/** Validated {@link UpdateOptions}, defaults filled in. */
export interface UpdatePlan {
  readonly retries: number;
  readonly backoff: BackoffPolicy;
  readonly metadata: EventMetadata | undefined;
}

const DEFAULT_RETRIES = 3;

const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ initialDelayMs: 5, factor: 2, maxDelayMs: 200, jitter: 0.5 });

/** Fills in defaults, or throws {@link InvalidArgumentError} naming the option that is wrong. */
export function checkUpdateOptions(options: UpdateOptions | undefined): UpdatePlan {
  const { retries = DEFAULT_RETRIES, backoff, metadata } = optionsObject(options);
  if (typeof retries !== 'number' || !Number.isSafeInteger(retries) || retries < 0 || retries > MAX_UPDATE_RETRIES) {
    throw new InvalidArgumentError('options.retries', `expected a whole number from 0 to ${MAX_UPDATE_RETRIES}, got ${describeValue(retries)}.`);
  }
  // Checked here as well as by each save, so that metadata that cannot be stored fails before
  // anything is loaded or decided.
  encodeMetadata(metadata, 'options.metadata');
  return { retries, backoff: checkBackoff(backoff), metadata };
}

function checkBackoff(backoff: ConflictBackoff | undefined): BackoffPolicy {
  const given = optionsObject(backoff, 'options.backoff');
  // A field given as undefined takes its default, as a field left out does.
  const policy = {
    initialDelayMs: given.initialDelayMs ?? DEFAULT_BACKOFF.initialDelayMs,
    factor: given.factor ?? DEFAULT_BACKOFF.factor,
    maxDelayMs: given.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs,
    jitter: given.jitter ?? DEFAULT_BACKOFF.jitter,
  };
  for (const field of ['initialDelayMs', 'maxDelayMs'] as const) {
    const value: unknown = policy[field];
    // A delay past what Node's timers take would fire after 1 ms instead.
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TIMER_DELAY_MS) {
      throw new InvalidArgumentError(`options.backoff.${field}`, `expected milliseconds from 0 to ${MAX_TIMER_DELAY_MS}, got ${describeValue(value)}.`);
    }
  }
  const { factor, jitter }: { factor: unknown; jitter: unknown } = policy;
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 1) {
    throw new InvalidArgumentError('options.backoff.factor', `expected a number >= 1, got ${describeValue(factor)}.`);
  }
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) {
    throw new InvalidArgumentError('options.backoff.jitter', `expected a number from 0 to 1, got ${describeValue(jitter)}.`);
  }
  return Object.freeze(policy);
}

/** The delay before retry `retry` (1 for the first), in milliseconds. */
export function backoffDelay(policy: BackoffPolicy, retry: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** (retry - 1));
  return Math.round(exponential * (1 - policy.jitter * random()));
}
