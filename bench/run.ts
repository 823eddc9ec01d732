/**
 * The benchmark suite: `npm run bench` (add `-- --quick` for smaller counts and one trial,
 * `-- --only=NAME` for one workload). Each workload runs through eventfold and as hand-written
 * better-sqlite3 code on an identical table, every side and trial in a process of its own so that
 * the peak memory reported is that side's alone. One table then sets the figures side by side.
 */
import { arch, cpus, platform } from 'node:os';
import { formatMegabytes, formatResultsTable, memoryProfileLines, type ResultRow } from './results-table';
import { runInWorker } from './run-in-worker';
import { runWorkload } from './run-workload';
import { createScratchFolder } from './scratch-folder';
import type { Workload } from './workload';
import { WORKLOADS } from './workloads';

/** Trials per side in a full run; the table shows the median one. */
const TRIALS = 3;

interface Options {
  readonly quick: boolean;
  readonly only: string | undefined;
}

function parseOptions(args: readonly string[]): Options {
  const names = WORKLOADS.map((workload) => workload.name);
  let quick = false;
  let only: string | undefined;
  for (const arg of args) {
    if (arg === '--quick') quick = true;
    else if (arg.startsWith('--only=')) only = arg.slice('--only='.length);
    else throw new Error(`unknown option ${arg}; use --quick and --only=${names.join('|')}`);
  }
  if (only !== undefined && !names.includes(only)) throw new Error(`unknown workload '${only}'; known: ${names.join(', ')}`);
  return { quick, only };
}

/** Sides that did different work (different event counts, different states) deserve a warning. */
function checksumWarnings(rows: readonly ResultRow[]): string[] {
  return rows
    .filter((row) => row.eventfold.measurement.checksum !== row.raw.measurement.checksum)
    .map(
      (row) =>
        `warning: ${row.workload.name} (${row.durability}): the sides disagree, eventfold ${row.eventfold.measurement.checksum}, raw ${row.raw.measurement.checksum}`,
    );
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const workloads = WORKLOADS.filter((workload) => options.only === undefined || workload.name === options.only);
  const trialsOf = (workload: Workload) => (options.quick ? 1 : (workload.trials ?? TRIALS));
  const scratch = createScratchFolder();
  // Ctrl-C would otherwise leave the database files behind.
  process.once('SIGINT', () => {
    scratch.remove();
    process.exit(130);
  });
  try {
    const processor = cpus()[0]?.model.trim() ?? 'unknown CPU';
    console.log(`eventfold bench${options.quick ? ' --quick' : ''}: node ${process.version}, ${platform()} ${arch()}, ${cpus().length} x ${processor}`);
    const baseline = await runInWorker({ phase: 'baseline' });
    const rows: ResultRow[] = [];
    for (const workload of workloads) {
      for (const durability of workload.durabilities) {
        rows.push(await runWorkload(scratch, workload, durability, { quick: options.quick, trials: trialsOf(workload) }));
      }
    }
    console.log();
    console.log(formatResultsTable(rows, options.quick));
    console.log();
    console.log(
      options.quick
        ? 'One trial per side (--quick): expect noise.'
        : `Each figure is the median of ${TRIALS} trials (unless its note says otherwise), each side in a fresh process, the sides taking turns.`,
    );
    console.log('ef/raw: eventfold divided by raw better-sqlite3 (events/s: below 1x is slower; ms: above 1x is slower).');
    console.log('sync: the durability option, SQLite synchronous NORMAL or FULL, both in WAL mode, both sides alike.');
    console.log(`RSS: peak resident memory of the process that ran the side; an idle worker peaks at ${formatMegabytes(baseline.maxRssKb)}.`);
    for (const line of memoryProfileLines(rows)) console.log(line);
    for (const workload of workloads) console.log(`${workload.name}: ${workload.note(options.quick)}.`);
    for (const warning of checksumWarnings(rows)) console.log(warning);
  } finally {
    scratch.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
