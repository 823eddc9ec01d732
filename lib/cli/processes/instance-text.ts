import type { Colors } from 'picocolors/types.js';
import type { ProcessInstance } from '../../process-managers/inspection/process-instance';
import type { ProcessManagerSummary } from '../../process-managers/inspection/process-manager-summaries';
import { jsonText } from '../../inspection/json-text';
import { formatTable } from '../output/table';
import { describeDeadlines } from './deadline-text';

/** The longest state shown in full in the table; longer ones are cut, and `--json` shows them whole. */
export const STATE_WIDTH = 60;

/**
 * Instances as a table, by key: the state as compact JSON cut to {@link STATE_WIDTH}, and the
 * deadlines last, so that they can run long.
 *
 * @example
 * ```text
 * KEY  STATUS   VERSION  UPDATED                   STATE                          DEADLINES
 * o-1  running        1  2026-01-01T09:00:00.000Z  {"market":"KRW-BTC","volume":2}  expire in 30 s
 * ```
 */
export function formatInstances(instances: readonly ProcessInstance[], now: Date, colors: Colors): string[] {
  return formatTable(
    [
      { header: 'KEY', style: (cell) => colors.bold(cell) },
      { header: 'STATUS', style: (cell) => (cell.startsWith('ended') ? colors.dim(cell) : colors.green(cell)) },
      { header: 'VERSION', align: 'right' },
      { header: 'UPDATED' },
      { header: 'STATE' },
      // Failed deadlines in red, overdue ones in yellow, as their words say.
      { header: 'DEADLINES', style: (cell) => (cell.includes(' FAILED ') ? colors.red(cell) : cell.includes(' overdue by ') ? colors.yellow(cell) : cell) },
    ],
    instances.map((instance) => [
      instance.key,
      instance.status,
      String(instance.version),
      instance.updatedAt?.toISOString() ?? '-',
      instance.state === null ? '-' : shortened(jsonText(instance.state), STATE_WIDTH),
      describeDeadlines(instance.deadlines, now),
    ]),
    colors.bold,
  );
}

/**
 * Process managers as a table: instances, and deadlines waiting, overdue and failed.
 *
 * @example
 * ```text
 * PROCESS MANAGER  RUNNING  ENDED  DEADLINES  OVERDUE  FAILED
 * order-expiry          12      0         12        1       0
 * ```
 */
export function formatSummaries(summaries: readonly ProcessManagerSummary[], colors: Colors): string[] {
  const flag = (paint: (text: string) => string) => (cell: string) => (cell.trim() === '0' ? cell : paint(cell));
  return formatTable(
    [
      { header: 'PROCESS MANAGER', style: (cell) => colors.bold(cell) },
      { header: 'RUNNING', align: 'right' },
      { header: 'ENDED', align: 'right' },
      { header: 'DEADLINES', align: 'right' },
      { header: 'OVERDUE', align: 'right', style: flag(colors.yellow) },
      { header: 'FAILED', align: 'right', style: flag(colors.red) },
    ],
    summaries.map((summary) => [
      summary.name,
      String(summary.running),
      String(summary.ended),
      String(summary.pendingDeadlines),
      String(summary.overdueDeadlines),
      String(summary.failedDeadlines),
    ]),
    colors.bold,
  );
}

/** `text`, cut to `width` characters with `...` at the end when it is longer. */
export function shortened(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 3)}...`;
}
