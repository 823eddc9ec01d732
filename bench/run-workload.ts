import type { Durability } from '../lib';
import { formatEventLoopDelay } from './event-loop-delay';
import { formatMegabytes, type ResultRow, type SideResult } from './results-table';
import { runInWorker } from './run-in-worker';
import type { ScratchFolder } from './scratch-folder';
import { startClock } from './timing';
import type { Side, Workload } from './workload';

const SIDES: readonly Side[] = ['eventfold', 'raw'];

/**
 * Runs a workload at one durability on both sides, `trials` times each, and keeps each side's
 * median trial.
 *
 * Every trial is a fresh worker process, and the sides take turns (eventfold, raw, eventfold,
 * ...), so a burst of load from elsewhere on the machine hits both sides rather than one. A
 * database prepared per side is built once and shared by that side's trials, which only read it;
 * a database the workload prepares for both sides is copied afresh for every trial, which may
 * write to it.
 *
 * @example
 * ```ts
 * const row = await runWorkload(scratch, batchedAppend, 'normal', { quick: false, trials: 3 });
 * ```
 */
export async function runWorkload(
  scratch: ScratchFolder,
  workload: Workload,
  durability: Durability,
  options: { readonly quick: boolean; readonly trials: number },
): Promise<ResultRow> {
  const { quick, trials } = options;
  const shared = workload.prepare !== undefined ? `${workload.name}-${durability}-shared.db` : undefined;
  const prepared = shared === undefined && SIDES.every((side) => workload[side].prepare !== undefined);
  const databaseOf = (side: Side, trial: number) => `${workload.name}-${durability}-${side}${prepared ? '' : `-${trial}`}.db`;
  if (shared !== undefined) {
    const elapsed = startClock();
    await runInWorker({ phase: 'prepare', workload: workload.name, run: { file: scratch.file(shared), durability, quick } });
    const took = `${(elapsed() / 1000).toFixed(1)} s`;
    console.log(`  ${`${workload.name} ${durability} prepare`.padEnd(36)} ${took.padStart(16)}   one database for both sides, copied for each trial`);
  }
  if (prepared) {
    for (const side of SIDES) {
      await runInWorker({ phase: 'prepare', workload: workload.name, side, run: { file: scratch.file(databaseOf(side, 0)), durability, quick } });
    }
  }
  const results: Record<Side, SideResult[]> = { eventfold: [], raw: [] };
  for (let trial = 1; trial <= trials; trial++) {
    for (const side of SIDES) {
      if (shared !== undefined) scratch.copyDatabase(shared, databaseOf(side, trial));
      const run = { file: scratch.file(databaseOf(side, trial)), durability, quick };
      const { measurement, maxRssKb } = await runInWorker({ phase: 'measure', workload: workload.name, side, run });
      if (!measurement) throw new Error(`${workload.name} (${side}) measured nothing`);
      results[side].push({ measurement, maxRssKb });
      reportTrial(workload, `${workload.name} ${durability} ${side}${trials > 1 ? ` #${trial}` : ''}`, { measurement, maxRssKb });
      if (!prepared) scratch.discardDatabase(databaseOf(side, trial));
    }
  }
  if (prepared) for (const side of SIDES) scratch.discardDatabase(databaseOf(side, 0));
  if (shared !== undefined) scratch.discardDatabase(shared);
  return { workload, durability, eventfold: medianTrial(results.eventfold), raw: medianTrial(results.raw) };
}

/** The trial with the median figure, with the highest peak memory of all trials (memory varies little, and the worst case is the honest one). */
function medianTrial(results: readonly SideResult[]): SideResult {
  const sorted = [...results].sort((a, b) => a.measurement.value - b.measurement.value);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  if (middle === undefined) throw new Error('no trials to take the median of');
  const { measurement } = middle;
  return { measurement, maxRssKb: Math.max(...results.map((result) => result.maxRssKb)) };
}

function reportTrial(workload: Workload, title: string, { measurement, maxRssKb }: SideResult): void {
  const figure = workload.unit === 'ms' ? `${measurement.value.toFixed(2)} ms` : `${Math.round(measurement.value).toLocaleString('en-US')} ${workload.unit}`;
  const delay = measurement.eventLoopDelay ? `, ${formatEventLoopDelay(measurement.eventLoopDelay)}` : '';
  console.log(`  ${title.padEnd(36)} ${figure.padStart(16)}   ${measurement.detail}${delay}, peak RSS ${formatMegabytes(maxRssKb)}`);
}
