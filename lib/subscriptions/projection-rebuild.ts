import type { EventStore } from '../event-store/event-store';
import { blueGreenRebuild } from './read-model/blue-green-rebuild';
import { inPlaceRebuild } from './read-model/in-place-rebuild';
import type { RebuildSteps } from './read-model/rebuild-steps';
import type { ProjectionReplay } from './runner/projection-replay';
import { checkWholeNumber } from '../validation/whole-number';

/** How far a rebuild has come. */
export interface RebuildProgress {
  /** Events of the log replayed so far (by position). */
  readonly done: number;
  /** Events to replay: the head of the log when the rebuild started. */
  readonly total: number;
  /** Events per second so far. */
  readonly rate: number;
  readonly elapsedMs: number;
  /** Estimated milliseconds left at the current rate; NaN until there is a rate. */
  readonly etaMs: number;
}

/** Options of a projection rebuild. */
export interface RebuildOptions {
  /** Told of progress at most every `progressIntervalMs` and once at the end. */
  onProgress?: (progress: RebuildProgress) => void;
  /** Defaults to 200 ms. */
  progressIntervalMs?: number;
  /** Events per transaction while rebuilding. Defaults to the larger of 1000 and the projection's batchSize. */
  batchSize?: number;
}

/**
 * Rebuilds a projection, whole or split into segments: pauses every segment, prepares the read
 * model and sets every segment's checkpoint back to the start in one transaction, then replays
 * the log into all of them, reporting progress as the slowest segment moves. Each segment carries
 * on live once it has replayed the log as it was at the start.
 *
 * A projection that declares its `tables` is rebuilt into copies of them that replace them at the
 * end ({@link blueGreenRebuild}); one that does not is emptied by its `reset(db)` and refilled
 * in place ({@link inPlaceRebuild}).
 */
export async function rebuildProjection(store: EventStore, name: string, runners: readonly ProjectionReplay[], options: RebuildOptions): Promise<RebuildProgress> {
  // The dispatcher finds at least one runner for the name or throws UnknownSubscriberError.
  const { subscriber } = runners[0]!;
  const steps: RebuildSteps = subscriber.tables.length > 0 ? blueGreenRebuild(store, name, runners) : inPlaceRebuild(subscriber);
  for (const runner of runners) runner.assertCanRebuild();
  const batchSize = options.batchSize ?? Math.max(1000, subscriber.batchSize);
  checkWholeNumber(batchSize, 'options.batchSize');

  await Promise.all(runners.map((runner) => runner.pause()));
  try {
    await store.eventfoldTransaction(async (db) => {
      await steps.prepare(db);
      for (const runner of runners) await runner.resetStored(db, steps.keepsDeadLetters);
    });
  } catch (error) {
    for (const runner of runners) runner.cancel();
    throw error;
  }
  steps.begin();
  // Every segment starts over from the beginning of the log, into an empty read model.
  let total: number | undefined;
  const startedAt = Date.now();
  let lastReport = 0;
  const report = (final: boolean): RebuildProgress | undefined => {
    const now = Date.now();
    // Until the head of the log is read, there is nothing to measure the replay against.
    if (total === undefined) return undefined;
    if (!final && now - lastReport < (options.progressIntervalMs ?? 200)) return undefined;
    lastReport = now;
    const done = Math.min(total, ...runners.map((runner) => runner.replayedUpTo));
    const elapsedMs = now - startedAt;
    const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
    // Without a rate yet there is no estimate: say so (NaN) rather than "nothing left".
    const etaMs = rate > 0 ? ((total - done) / rate) * 1000 : done >= total ? 0 : Number.NaN;
    const progress = { done, total, rate, elapsedMs, etaMs };
    options.onProgress?.(progress);
    return progress;
  };
  for (const runner of runners) runner.startOver(batchSize, () => report(false));
  try {
    // Every event committed so far; on PostgreSQL the replay waits for those not yet readable.
    ({ latest: total } = await store.logHorizon());
  } catch (error) {
    // The replay goes on regardless; only its end is unknown. Leave rebuilding and report.
    for (const runner of runners) runner.end();
    await steps.abandon();
    throw error;
  }
  const head = total;
  const outcomes = await Promise.allSettled(runners.map((runner) => runner.replayUntil(head, steps.keepsReadModel)));
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) {
    await steps.abandon();
    throw failed.reason;
  }
  await steps.finish();
  return report(true) as RebuildProgress;
}
