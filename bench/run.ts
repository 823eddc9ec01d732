/**
 * The benchmark suite: `npm run bench` (add `-- --quick` for smaller counts and one trial,
 * `-- --only=NAME` for one workload, `--only=A,B` for several). Each workload runs through eventfold and as hand-written
 * better-sqlite3 code on an identical table, every side and trial in a process of its own so that
 * the peak memory reported is that side's alone. One table then sets the figures side by side.
 *
 * With EVENTFOLD_POSTGRES_URL set, a second table does the same workloads on PostgreSQL, beside
 * hand-written `pg` code, plus end to end with three processes.
 */
import { arch, cpus, platform } from 'node:os';
import { POSTGRES_WORKLOADS } from './postgres';
import { runPostgresRows } from './postgres/run-postgres-rows';
import { eventLoopDelayLines, formatMegabytes, formatResultsTable, memoryProfileLines, type ResultRow } from './results-table';
import { runInWorker } from './run-in-worker';
import { runWorkload } from './run-workload';
import { createScratchFolder } from './scratch-folder';
import type { Workload } from './workload';
import { WORKLOADS } from './workloads';

/** Trials per side in a full run; the table shows the median one. */
const TRIALS = 3;

interface Options {
  readonly quick: boolean;
  /** The workloads to run; all when undefined. */
  readonly only: readonly string[] | undefined;
}

function parseOptions(args: readonly string[]): Options {
  const names = [...WORKLOADS, ...POSTGRES_WORKLOADS].map((workload) => workload.name);
  let quick = false;
  let only: string[] | undefined;
  for (const arg of args) {
    if (arg === '--quick') quick = true;
    else if (arg.startsWith('--only=')) only = arg.slice('--only='.length).split(',');
    else throw new Error(`unknown option ${arg}; use --quick and --only=${names.join('|')}`);
  }
  const unknown = only?.find((name) => !names.includes(name));
  if (unknown !== undefined) throw new Error(`unknown workload '${unknown}'; known: ${names.join(', ')}`);
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

/** The SQLite results: the table, then what its columns mean and how each workload is done. */
function printSqliteTable(rows: readonly ResultRow[], workloads: readonly Workload[], quick: boolean, baselineRssKb: number): void {
  console.log();
  console.log(formatResultsTable(rows, quick));
  console.log();
  console.log(
    quick
      ? 'One trial per side (--quick): expect noise.'
      : `Each figure is the median of ${TRIALS} trials (unless its note says otherwise), each side in a fresh process, the sides taking turns.`,
  );
  console.log('ef/raw: eventfold divided by raw better-sqlite3 (events/s and deadlines/s: below 1x is slower; ms: above 1x is slower).');
  console.log('sync: the durability option, SQLite synchronous NORMAL or FULL, both in WAL mode, both sides alike.');
  console.log(`RSS: peak resident memory of the process that ran the side; an idle worker peaks at ${formatMegabytes(baselineRssKb)}.`);
  for (const line of memoryProfileLines(rows)) console.log(line);
  for (const line of eventLoopDelayLines(rows)) console.log(line);
  for (const workload of workloads) console.log(`${workload.name}: ${workload.note(quick)}.`);
  for (const warning of checksumWarnings(rows)) console.log(warning);
}

const POSTGRES_URL_VARIABLE = 'EVENTFOLD_POSTGRES_URL';

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const postgresUrl = process.env[POSTGRES_URL_VARIABLE];
  const postgresWorkloads = POSTGRES_WORKLOADS.filter((workload) => options.only === undefined || options.only.includes(workload.name));
  const workloads = WORKLOADS.filter((workload) => options.only === undefined || options.only.includes(workload.name));
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
    if (rows.length > 0) printSqliteTable(rows, workloads, options.quick, baseline.maxRssKb);
    if (postgresWorkloads.length === 0) return;
    console.log();
    if (!postgresUrl) {
      console.log(`PostgreSQL rows skipped: ${POSTGRES_URL_VARIABLE} is not set (e.g. ${POSTGRES_URL_VARIABLE}=postgres://postgres@127.0.0.1:5432/test npm run bench).`);
      return;
    }
    console.log(`PostgreSQL: ${postgresUrl.replace(/\/\/[^@/]*@/, '//')}, a fresh schema per trial`);
    const lines = await runPostgresRows(postgresUrl, postgresWorkloads, { quick: options.quick, trials: TRIALS });
    console.log();
    for (const line of lines) console.log(line);
  } finally {
    scratch.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
