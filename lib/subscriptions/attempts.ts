import { retryDelay, type RetryPolicy } from './retry-policy';
import { HandlerTimeoutError } from './subscriber-errors';

/** How a series of attempts ended. */
export type AttemptOutcome =
  | { readonly kind: 'succeeded'; readonly attempts: number }
  | { readonly kind: 'failed'; readonly attempts: number; readonly error: unknown }
  /** The dispatcher began stopping while waiting to retry: the event stays unfinished. */
  | { readonly kind: 'stopped'; readonly attempts: number };

/** Counters a series of attempts reports to. */
export interface AttemptObserver {
  failed(error: unknown, attempt: number): void;
  retrying(attempt: number, delayMs: number): void;
}

/** Told around a retry's backoff: a handler gives its concurrency slot back while it waits. */
export interface BackoffHooks {
  /** The backoff starts. */
  waiting(): void;
  /** The backoff is over; the retry starts once this resolves. */
  resuming(): Promise<void>;
}

/**
 * Runs `work` until it succeeds or the policy's attempts run out, waiting with exponential
 * backoff and jitter between attempts. Each attempt gets its own abort signal, aborted when the
 * attempt exceeds `timeoutMs`; `stopping` cuts a wait between attempts short.
 */
export async function attemptWithRetries(
  policy: RetryPolicy,
  subscriber: string,
  stopping: AbortSignal,
  observer: AttemptObserver,
  work: (attempt: number, signal: AbortSignal) => Promise<void>,
  isRetryable: (error: unknown) => boolean = () => true,
  /** Attempts made earlier (a dead letter retried): numbering goes on from there. */
  attemptsBefore = 0,
  backoff?: BackoffHooks,
): Promise<AttemptOutcome> {
  let lastError: unknown;
  const last = attemptsBefore + policy.maxAttempts;
  for (let attempt = attemptsBefore + 1; attempt <= last; attempt++) {
    try {
      await withTimeout(policy.timeoutMs, subscriber, stopping, (signal) => work(attempt, signal));
      return { kind: 'succeeded', attempts: attempt };
    } catch (error) {
      // Cut short by stop(): not the handler's failure; the event stays unfinished for the next start.
      if (stopping.aborted) return { kind: 'stopped', attempts: attempt - 1 };
      if (!isRetryable(error)) return { kind: 'failed', attempts: attempt, error };
      lastError = error;
      observer.failed(error, attempt);
    }
    if (attempt === last) break;
    const delay = retryDelay(policy, attempt - attemptsBefore);
    observer.retrying(attempt, delay);
    backoff?.waiting();
    const slept = await sleep(delay, stopping);
    await backoff?.resuming();
    if (!slept) return { kind: 'stopped', attempts: attempt };
  }
  return { kind: 'failed', attempts: last, error: lastError };
}

/**
 * Runs one attempt with its own abort signal, aborted when the attempt times out or when the
 * dispatcher stops. A stop does not abandon the attempt: it still waits for it to return, so
 * that stop() drains in-flight work, but a handler that listens to the signal returns sooner.
 */
async function withTimeout(timeoutMs: number, subscriber: string, stopping: AbortSignal, run: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  const onStop = () => controller.abort(stopping.reason);
  stopping.addEventListener('abort', onStop, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new HandlerTimeoutError(subscriber, timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    await Promise.race([run(controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
    stopping.removeEventListener('abort', onStop);
  }
}

/** Waits `ms`; resolves false at once if `signal` aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
