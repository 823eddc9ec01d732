import { performance } from 'node:perf_hooks';

/**
 * Starts a clock; the returned function tells the milliseconds since.
 *
 * @example
 * ```ts
 * const elapsed = startClock();
 * await work();
 * console.log(`${elapsed().toFixed(1)} ms`);
 * ```
 */
export function startClock(): () => number {
  const start = performance.now();
  return () => performance.now() - start;
}

/** The middle value of a non-empty list (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle];
  const lower = sorted.length % 2 === 1 ? upper : sorted[middle - 1];
  if (upper === undefined || lower === undefined) throw new Error('the median of no values');
  return (lower + upper) / 2;
}

/**
 * The value below which `percent` % of a non-empty list falls (nearest rank): `percentile(delays, 99)`.
 */
export function percentile(values: readonly number[], percent: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((percent / 100) * sorted.length) - 1))];
  if (value === undefined) throw new Error('a percentile of no values');
  return value;
}

/** Events per second, with a detail line for the results table. */
export function throughput(events: number, milliseconds: number): { value: number; detail: string } {
  const seconds = milliseconds / 1000;
  return { value: events / seconds, detail: `${events.toLocaleString('en-US')} events in ${seconds.toFixed(2)} s` };
}
