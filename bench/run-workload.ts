import type { Durability } from '../lib';
import { formatMegabytes, type ResultRow, type SideResult } from './results-table';
import { runInWorker } from './run-in-worker';
import type { ScratchFolder } from './scratch-folder';
import type { Side, Workload } from './workload';

const SIDES: readonly Side[] = ['eventfold', 'raw'];

/**
 * Runs a workload at one durability on both sides, `trials` times each, and keeps each side's
 * median trial.
 *
 * Every trial is a fresh worker process, and the sides take turns (eventfold, raw, eventfold,
 * ...), so a burst of load from elsewhere on the machine hits both sides rather than one. A
 * prepared database is built once per side and shared by its trials, which only read it.
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
  const prepared = SIDES.every((side) => workload[side].prepare !== undefined);
  const databaseOf = (side: Side, trial: number) => `${workload.name}-${durability}-${side}${prepared ? '' : `-${trial}`}.db`;
  if (prepared) {
    for (const side of SIDES) {
      await runInWorker({ phase: 'prepare', workload: workload.name, side, run: { file: scratch.file(databaseOf(side, 0)), durability, quick } });
    }
  }
  const results: Record<Side, SideResult[]> = { eventfold: [], raw: [] };
  for (let trial = 1; trial <= trials; trial++) {
    for (const side of SIDES) {
      const run = { file: scratch.file(databaseOf(side, trial)), durability, quick };
      const { measurement, maxRssKb } = await runInWorker({ phase: 'measure', workload: workload.name, side, run });
      if (!measurement) throw new Error(`${workload.name} (${side}) measured nothing`);
      results[side].push({ measurement, maxRssKb });
      reportTrial(workload, `${workload.name} ${durability} ${side}${trials > 1 ? ` #${trial}` : ''}`, { measurement, maxRssKb });
      if (!prepared) scratch.discardDatabase(databaseOf(side, trial));
    }
  }
  if (prepared) for (const side of SIDES) scratch.discardDatabase(databaseOf(side, 0));
  return { workload, durability, eventfold: medianTrial(results.eventfold), raw: medianTrial(results.raw) };
}

/** The trial with the median figure, with the highest peak memory of all trials (memory varies little, and the worst case is the honest one). */
function medianTrial(results: readonly SideResult[]): SideResult {
  const sorted = [...results].sort((a, b) => a.measurement.value - b.measurement.value);
  const { measurement } = sorted[Math.floor((sorted.length - 1) / 2)];
  return { measurement, maxRssKb: Math.max(...results.map((result) => result.maxRssKb)) };
}

function reportTrial(workload: Workload, title: string, { measurement, maxRssKb }: SideResult): void {
  const figure = workload.unit === 'ms' ? `${measurement.value.toFixed(2)} ms` : `${Math.round(measurement.value).toLocaleString('en-US')} events/s`;
  console.log(`  ${title.padEnd(36)} ${figure.padStart(16)}   ${measurement.detail}, peak RSS ${formatMegabytes(maxRssKb)}`);
}
