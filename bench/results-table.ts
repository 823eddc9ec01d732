import type { Durability } from '../lib';
import { EVENT_LOOP_RESOLUTION_MS, formatEventLoopDelay } from './event-loop-delay';
import { formatMemoryProfile } from './rss-sampler';
import type { Measurement, Target, Workload } from './workload';

/** One side's figure and the peak memory of the process that produced it. */
export interface SideResult {
  readonly measurement: Measurement;
  readonly maxRssKb: number;
}

/** One line of the results table: a workload at one durability, done by both sides. */
export interface ResultRow {
  readonly workload: Workload;
  readonly durability: Durability;
  readonly eventfold: SideResult;
  readonly raw: SideResult;
}

interface Column {
  readonly title: string;
  readonly align: 'left' | 'right';
  readonly cell: (row: ResultRow) => string;
}

/**
 * Lays the results out as a plain-text table: eventfold beside raw better-sqlite3, their ratio,
 * the target and whether it was met, and each side's peak resident memory.
 *
 * @example
 * ```ts
 * console.log(formatResultsTable(rows, false));
 * ```
 */
export function formatResultsTable(rows: readonly ResultRow[], quick: boolean): string {
  const columns: Column[] = [
    { title: 'workload', align: 'left', cell: (row) => row.workload.label(quick) },
    { title: 'sync', align: 'left', cell: (row) => row.durability },
    { title: 'unit', align: 'left', cell: (row) => row.workload.unit },
    { title: 'eventfold', align: 'right', cell: (row) => formatValue(row.eventfold.measurement.value, row.workload.unit) },
    { title: 'raw', align: 'right', cell: (row) => formatValue(row.raw.measurement.value, row.workload.unit) },
    { title: 'ef/raw', align: 'right', cell: (row) => `${(row.eventfold.measurement.value / row.raw.measurement.value).toFixed(2)}x` },
    { title: 'target', align: 'left', cell: (row) => formatTarget(row.workload.target(row.durability), row.workload.unit) },
    { title: 'met', align: 'left', cell: (row) => verdict(row.workload.target(row.durability), row.eventfold.measurement.value) },
    { title: 'RSS ef', align: 'right', cell: (row) => formatMegabytes(row.eventfold.maxRssKb) },
    { title: 'RSS raw', align: 'right', cell: (row) => formatMegabytes(row.raw.maxRssKb) },
    { title: 'RSS ef/raw', align: 'right', cell: (row) => `${(row.eventfold.maxRssKb / row.raw.maxRssKb).toFixed(2)}x` },
  ];
  const cells = rows.map((row) => columns.map((column) => column.cell(row)));
  const sized = columns.map((column, index) => ({ ...column, width: Math.max(column.title.length, ...cells.map((line) => (line[index] ?? '').length)) }));
  const render = (line: readonly string[]) =>
    sized
      .map(({ align, width }, index) => (align === 'left' ? (line[index] ?? '').padEnd(width) : (line[index] ?? '').padStart(width)))
      .join('  ')
      .trimEnd();
  const header = render(columns.map((column) => column.title));
  return [header, '-'.repeat(header.length), ...cells.map(render)].join('\n');
}

/**
 * For the workloads that sampled memory while they ran, one line per side with the resident
 * memory at milestones of the work, e.g. to show that a rebuild does not grow with the log.
 */
export function memoryProfileLines(rows: readonly ResultRow[]): string[] {
  return rows.flatMap((row) =>
    (['eventfold', 'raw'] as const).flatMap((side) => {
      const memory = row[side].measurement.memory;
      return memory ? [`${row.workload.name} ${side}: ${formatMemoryProfile(memory)} (${memory.samples} samples).`] : [];
    }),
  );
}

/**
 * For the workloads that watched the event loop while they ran, one line per side with how long
 * it stalled (what a timer or a request served by the same process would have waited), after a
 * line that says how to read them; nothing when no workload watched.
 */
export function eventLoopDelayLines(rows: readonly ResultRow[]): string[] {
  const lines = rows.flatMap((row) =>
    (['eventfold', 'raw'] as const).flatMap((side) => {
      const delay = row[side].measurement.eventLoopDelay;
      return delay ? [`${row.workload.name} ${side}: ${formatEventLoopDelay(delay)} (${delay.samples} samples).`] : [];
    }),
  );
  if (lines.length === 0) return [];
  const reading = `event-loop delay: time between turns of a ${EVENT_LOOP_RESOLUTION_MS} ms timer during the timed work; a free loop reads about ${EVENT_LOOP_RESOLUTION_MS} ms.`;
  return [reading, ...lines];
}

/** Megabytes of a kilobyte count, for memory columns. */
export function formatMegabytes(kilobytes: number): string {
  return `${(kilobytes / 1024).toFixed(0)} MB`;
}

function formatValue(value: number, unit: Workload['unit']): string {
  return unit === 'ms' ? value.toFixed(2) : Math.round(value).toLocaleString('en-US');
}

function formatTarget(target: Target | undefined, unit: Workload['unit']): string {
  if (!target) return '-';
  return `${target.better === 'higher' ? '>=' : '<'} ${formatValue(target.value, unit).replace(/\.00$/, '')}`;
}

function verdict(target: Target | undefined, value: number): string {
  if (!target) return '';
  const met = target.better === 'higher' ? value >= target.value : value < target.value;
  return met ? 'yes' : 'NO';
}
