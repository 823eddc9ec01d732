import { Pool } from 'pg';
import { formatMegabytes } from '../results-table';
import { runInWorker } from '../run-in-worker';
import type { Measurement, Side } from '../workload';
import type { PostgresWorkload } from './postgres-run';

/** One side's median trial on PostgreSQL. */
interface PostgresSideResult {
  readonly measurement: Measurement;
  readonly maxRssKb: number;
}

interface PostgresRow {
  readonly workload: PostgresWorkload;
  readonly eventfold: PostgresSideResult;
  readonly raw?: PostgresSideResult;
}

let schemaCount = 0;

/** A schema name unique to this run, so that runs never see each other's data. */
function benchSchema(): string {
  return `eventfold_bench_${process.pid}_${Date.now().toString(36)}_${++schemaCount}`;
}

/**
 * Runs each PostgreSQL workload `trials` times per side, every trial in a fresh worker process and
 * a fresh schema (dropped afterwards), the sides taking turns, and returns the results table and
 * its notes as lines.
 *
 * @example
 * ```ts
 * for (const line of await runPostgresRows(url, POSTGRES_WORKLOADS, { quick: true, trials: 1 })) console.log(line);
 * ```
 */
export async function runPostgresRows(
  url: string,
  workloads: readonly PostgresWorkload[],
  options: { readonly quick: boolean; readonly trials: number },
): Promise<string[]> {
  const pool = new Pool({ connectionString: url, max: 1 });
  const rows: PostgresRow[] = [];
  try {
    for (const workload of workloads) {
      const sides: Side[] = workload.raw ? ['eventfold', 'raw'] : ['eventfold'];
      const results: Record<Side, PostgresSideResult[]> = { eventfold: [], raw: [] };
      const trials = options.quick ? 1 : (workload.trials ?? options.trials);
      for (let trial = 1; trial <= trials; trial++) {
        for (const side of sides) {
          const schema = benchSchema();
          try {
            const { measurement, maxRssKb } = await runInWorker({ phase: 'postgres', workload: workload.name, side, run: { url, schema, quick: options.quick } });
            if (!measurement) throw new Error(`${workload.name} (${side}) measured nothing`);
            // A multi-process side reports its busiest node: that is the memory an application node needs.
            results[side].push({ measurement, maxRssKb: Math.max(maxRssKb, measurement.childPeakRssKb ?? 0) });
            const title = `${workload.name} ${side}${trials > 1 ? ` #${trial}` : ''}`;
            console.log(
              `  ${title.padEnd(36)} ${formatValue(measurement.value, workload.unit).padStart(16)} ${workload.unit.padEnd(8)} ${measurement.detail}, peak RSS ${formatMegabytes(maxRssKb)}`,
            );
          } finally {
            await pool.query(`drop schema if exists "${schema}" cascade`);
          }
        }
      }
      rows.push({ workload, eventfold: median(results.eventfold), raw: workload.raw ? median(results.raw) : undefined });
    }
  } finally {
    await pool.end();
  }
  return [...formatTable(rows, options.quick), ...notes(rows, options.quick)];
}

function median(results: readonly PostgresSideResult[]): PostgresSideResult {
  const sorted = [...results].sort((a, b) => a.measurement.value - b.measurement.value);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  if (middle === undefined) throw new Error('no trials to take the median of');
  return { measurement: middle.measurement, maxRssKb: Math.max(...results.map((result) => result.maxRssKb)) };
}

function formatValue(value: number, unit: PostgresWorkload['unit']): string {
  return unit === 'ms' ? value.toFixed(2) : Math.round(value).toLocaleString('en-US');
}

function formatTable(rows: readonly PostgresRow[], quick: boolean): string[] {
  const titles = ['PostgreSQL workload', 'unit', 'eventfold', 'raw pg', 'ef/raw', 'RSS ef', 'RSS raw'];
  const cells = rows.map(({ workload, eventfold, raw }) => [
    workload.label(quick),
    workload.unit,
    formatValue(eventfold.measurement.value, workload.unit),
    raw ? formatValue(raw.measurement.value, workload.unit) : '-',
    raw ? `${(eventfold.measurement.value / raw.measurement.value).toFixed(2)}x` : '-',
    formatMegabytes(eventfold.maxRssKb),
    raw ? formatMegabytes(raw.maxRssKb) : '-',
  ]);
  const widths = titles.map((title, index) => Math.max(title.length, ...cells.map((line) => (line[index] ?? '').length)));
  const render = (line: readonly string[]) =>
    widths
      .map((width, index) => (index < 2 ? (line[index] ?? '').padEnd(width) : (line[index] ?? '').padStart(width)))
      .join('  ')
      .trimEnd();
  const header = render(titles);
  return [header, '-'.repeat(header.length), ...cells.map(render)];
}

function notes(rows: readonly PostgresRow[], quick: boolean): string[] {
  const lines = [
    quick
      ? 'One trial per side (--quick): expect noise.'
      : 'Each figure is the median of its trials, each side in a fresh process and a fresh schema, the sides taking turns.',
    "raw pg: the same work through hand-written SQL on one pg client, on the tables eventfold's migrations create.",
    'RSS: peak resident memory of the process that ran the side; for several processes, of the busiest one.',
  ];
  for (const { workload } of rows) lines.push(`${workload.name}: ${workload.note(quick)}.`);
  for (const { workload, eventfold, raw } of rows) {
    if (raw && raw.measurement.checksum !== eventfold.measurement.checksum) {
      lines.push(`warning: ${workload.name}: the sides disagree, eventfold ${eventfold.measurement.checksum}, raw ${raw.measurement.checksum}`);
    }
  }
  return lines;
}
