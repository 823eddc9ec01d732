import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long the event loop went without a turn while a side ran, in milliseconds. */
export interface EventLoopDelay {
  /** 99th percentile of the samples. */
  readonly p99Ms: number;
  /** The longest stall seen. */
  readonly maxMs: number;
  readonly samples: number;
}

/** Watches the event loop through a run, see {@link startEventLoopDelayMonitor}. */
export interface EventLoopDelayMonitor {
  /** Stops watching and reports, once the monitor has sampled after the work. */
  stop(): Promise<EventLoopDelay>;
}

/** Sampling interval of the monitor, in milliseconds: an idle loop reads about this much. */
export const EVENT_LOOP_RESOLUTION_MS = 10;

const NANOSECONDS_PER_MS = 1e6;

/**
 * Starts measuring how long the event loop stays blocked, with `monitorEventLoopDelay`: a timer
 * is due every {@link EVENT_LOOP_RESOLUTION_MS}, and each sample is the time between two of its
 * turns, so it reads the resolution when the loop is free and the length of a stall otherwise.
 * Other work in the process (a timer, a reply on a socket) waits that long.
 *
 * Resolves once the monitor has taken its first sample: its first turn only notes the time, so
 * a stall right after an unprimed start (a synchronous loop) would go unrecorded. That one sample,
 * of a free loop, stays in the figures.
 *
 * @example
 * ```ts
 * const monitor = await startEventLoopDelayMonitor();
 * await dispatcher.rebuild('order-status');
 * const { p99Ms, maxMs } = await monitor.stop();
 * ```
 */
export async function startEventLoopDelayMonitor(): Promise<EventLoopDelayMonitor> {
  const histogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  histogram.enable();
  await nextSample(histogram);
  return {
    async stop() {
      // A stall only enters the histogram when the monitor's timer next runs, which for work
      // that ends in one (a synchronous loop) is after the work.
      await nextSample(histogram);
      histogram.disable();
      return {
        p99Ms: histogram.percentile(99) / NANOSECONDS_PER_MS,
        maxMs: histogram.max / NANOSECONDS_PER_MS,
        samples: histogram.count,
      };
    },
  };
}

/** Waits for the histogram's next sample: a few turns, since the timer is due every resolution. */
async function nextSample(histogram: IntervalHistogram): Promise<void> {
  const before = histogram.count;
  for (let turn = 0; turn < 5 && histogram.count === before; turn++) await sleep(EVENT_LOOP_RESOLUTION_MS);
}

/** A delay in one line, e.g. `event-loop delay p99 42 ms, max 180 ms`. */
export function formatEventLoopDelay(delay: EventLoopDelay): string {
  return `event-loop delay p99 ${delay.p99Ms.toFixed(0)} ms, max ${delay.maxMs.toFixed(0)} ms`;
}
