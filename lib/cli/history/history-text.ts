import type { Colors } from 'picocolors/types.js';
import type { JsonValue } from '../../events/event-metadata';
import { jsonText } from '../../inspection/json-text';
import type { HistoryStepView } from '../../inspection/history-steps';

/**
 * One history step as text: a heading (version, type, time, position), the payload, then every
 * field of the state after the event. Fields the event changed are marked `~` and show
 * `before -> after`; fields it added are marked `+`, those it removed `-`. With colours, the
 * marks and values are coloured as well, so the lines read the same without them.
 *
 * @example
 * ```text
 * v2  OrderFilled  2026-01-01T09:00:01.000Z  position 5
 *     payload  {"volume":1}
 *   ~ filled   0 -> 1
 *     status   "open"
 * ```
 */
export function formatHistoryStep(step: HistoryStepView, colors: Colors): string[] {
  const { event } = step;
  const changed = new Map(step.changes.map((change) => [change.field, change]));
  const fields = [...Object.keys(step.state), ...step.changes.filter((change) => change.kind === 'removed').map((change) => change.field)];
  const width = Math.max('payload'.length, ...fields.map((field) => field.length));
  const lines = [
    `${colors.bold(`v${event.version}`)}  ${colors.bold(colors.cyan(event.type))}  ${event.recordedAt}  ${colors.dim(`position ${event.position}`)}`,
    `    ${colors.dim('payload'.padEnd(width))}  ${value(event.payload)}`,
  ];
  for (const field of fields) {
    const change = changed.get(field);
    const name = field.padEnd(width);
    if (!change) lines.push(`    ${name}  ${value(step.state[field])}`);
    else if (change.kind === 'changed') {
      lines.push(`  ${colors.yellow('~')} ${colors.yellow(name)}  ${colors.red(value(change.before))} -> ${colors.green(value(change.after))}`);
    } else if (change.kind === 'added') lines.push(`  ${colors.green('+')} ${colors.green(name)}  ${colors.green(value(change.after))}`);
    else lines.push(`  ${colors.red('-')} ${colors.red(name)}  ${colors.red(value(change.before))}`);
  }
  return lines;
}

/** The line above a history: what it is of and how much of it is shown. */
export function formatHistoryHeading(aggregate: string, id: string, shown: number, total: number, colors: Colors): string {
  const count = shown === total ? `${total} event${total === 1 ? '' : 's'}` : `events 1 to ${shown} of ${total}`;
  return `${colors.bold(`${aggregate} ${id}`)}: ${count}`;
}

function value(json: JsonValue | undefined): string {
  return jsonText(json);
}
