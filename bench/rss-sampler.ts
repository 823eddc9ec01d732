/** Resident memory at one share of a long run's progress. */
export interface RssAtProgress {
  /** Share of the work done, e.g. 0.5. */
  readonly share: number;
  readonly rssKb: number;
}

/** How resident memory behaved during a long run: whether it grows with the work done. */
export interface MemoryProfile {
  /** Highest resident memory seen while sampling. */
  readonly peakKb: number;
  /** Resident memory when the run first reached each milestone. */
  readonly atProgress: readonly RssAtProgress[];
  readonly samples: number;
}

/** Samples resident memory through a long run, see {@link startRssSampler}. */
export interface RssSampler {
  /** Tells how far the run is; records the memory at each milestone it passes. */
  progress(done: number, total: number): void;
  /** Stops sampling and reports. */
  stop(): MemoryProfile;
}

/** The milestones a memory profile reports. */
export const MILESTONES: readonly number[] = [0.1, 0.5, 1];

/**
 * Starts sampling resident memory every `intervalMs` (whenever the event loop is free to run
 * the timer) and at every progress report, so that a profile shows whether memory grows with
 * the amount of work or stays flat.
 *
 * @example
 * ```ts
 * const sampler = startRssSampler();
 * await dispatcher.rebuild('order-status', { onProgress: ({ done, total }) => sampler.progress(done, total) });
 * const { peakKb, atProgress } = sampler.stop();
 * ```
 */
export function startRssSampler(intervalMs = 100): RssSampler {
  let peakKb = 0;
  let samples = 0;
  const atProgress: RssAtProgress[] = [];
  const sample = () => {
    const rssKb = process.memoryUsage.rss() / 1024;
    peakKb = Math.max(peakKb, rssKb);
    samples++;
    return rssKb;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    progress(done, total) {
      const rssKb = sample();
      for (;;) {
        const share = MILESTONES[atProgress.length];
        if (share === undefined || done < share * total) break;
        atProgress.push({ share, rssKb });
      }
    },
    stop() {
      clearInterval(timer);
      sample();
      return { peakKb, atProgress, samples };
    },
  };
}

/** A profile in one line, e.g. `RSS at 10% 92 MB, 50% 93 MB, 100% 93 MB, peak 95 MB`. */
export function formatMemoryProfile(profile: MemoryProfile): string {
  const milestones = profile.atProgress.map(({ share, rssKb }) => `${Math.round(share * 100)}% ${Math.round(rssKb / 1024)} MB`);
  return `RSS at ${milestones.join(', ')}, peak ${Math.round(profile.peakKb / 1024)} MB`;
}
