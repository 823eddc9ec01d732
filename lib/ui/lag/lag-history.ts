/** How many samples of each subscriber's lag are kept: the chart's width. */
const SAMPLES_KEPT = 60;

/** One reading of a subscriber's lag. */
export interface LagSample {
  readonly at: number;
  readonly lag: number;
}

/**
 * The lag of each subscriber over the last readings, for the trend chart. The browser reads
 * the status every few seconds while it runs, and each time a page shows it.
 */
export class LagHistory {
  private readonly samples = new Map<string, LagSample[]>();

  /** Records one reading of every subscriber's lag. */
  record(at: number, lags: ReadonlyMap<string, number>): void {
    for (const [name, lag] of lags) {
      const kept = this.samples.get(name) ?? [];
      kept.push({ at, lag });
      if (kept.length > SAMPLES_KEPT) kept.splice(0, kept.length - SAMPLES_KEPT);
      this.samples.set(name, kept);
    }
  }

  /** The readings of one subscriber, oldest first. */
  of(name: string): readonly LagSample[] {
    return this.samples.get(name) ?? [];
  }
}
