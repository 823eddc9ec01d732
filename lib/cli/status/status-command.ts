import { Command } from 'commander';
import type { Colors } from 'picocolors/types.js';
import { jsonText } from '../../inspection/json-text';
import { formatDuration } from '../output/duration';
import { formatTable, type Column } from '../output/table';
import type { Terminal } from '../output/terminal';
import { sessionOptionsOf, withSessionOptions } from '../program/session-options';
import { withSession } from '../session/cli-session';
import { describeSubscribers } from '../../inspection/configured-subscribers';
import { stallNote } from './stall-note';
import { readStatus, type SubscriberState } from '../../inspection/subscriber-status';
import { crashNote } from './crash-note';

/** `eventfold status`: each subscriber's checkpoint, lag, state and dead letters, read from the database. */
export function statusCommand(terminal: Terminal): Command {
  return withSessionOptions(new Command('status'))
    .description('show each subscriber with its checkpoint, lag, state and dead letters (without starting any)')
    .option('--json', 'print a JSON document')
    .action((options: { json?: boolean }, command: Command) =>
      withSession(sessionOptionsOf(command), { config: false }, async (session) => {
        const configured = session.config.subscribers ? describeSubscribers(await session.subscribers()) : [];
        const report = await readStatus(session.store, configured);
        if (options.json) {
          terminal.out(jsonText(report, 2));
          return;
        }
        const { colors } = terminal;
        const { stall } = report;
        terminal.out(`Log head: position ${report.head}${stall ? ` (readable; events up to ${stall.latestPosition} wait for an open transaction, see below)` : ''}`);
        if (report.subscribers.length === 0) {
          terminal.out('No subscriber has run on this database yet.');
          return;
        }
        terminal.out();
        // Only while a transaction holds readers back: otherwise the column would always be empty.
        const stalledColumn: Column[] = stall ? [{ header: 'STALLED', align: 'right', style: (cell) => (cell.trim() === '-' ? cell : colors.yellow(cell)) }] : [];
        const table = formatTable(
          [
            { header: 'SUBSCRIBER' },
            { header: 'KIND' },
            { header: 'STATE', style: (cell, row) => colorState(colors, row[2] as SubscriberState)(cell) },
            { header: 'CHECKPOINT', align: 'right' },
            { header: 'LAG', align: 'right', style: (cell, row) => (row[4] === '0' ? cell : colors.yellow(cell)) },
            { header: 'DEAD LETTERS', align: 'right', style: (cell, row) => (row[5] === '0' ? cell : colors.red(cell)) },
            { header: 'HELD BY' },
            ...stalledColumn,
          ],
          report.subscribers.map((subscriber) => [
            subscriber.name,
            subscriber.kind,
            subscriber.state,
            String(subscriber.checkpoint),
            String(subscriber.lag),
            String(subscriber.deadLetters),
            subscriber.heldBy ?? '-',
            ...(stall ? [subscriber.stalled ? formatDuration(stall.forMs) : '-'] : []),
          ]),
          colors.bold,
        );
        for (const line of table) terminal.out(line);
        const notes = report.subscribers.filter((subscriber) => subscriber.reason || subscriber.crash);
        if (notes.length > 0) terminal.out();
        for (const subscriber of notes) {
          if (subscriber.reason) terminal.out(`${subscriber.name} ${subscriber.state}: ${subscriber.reason}`);
          if (subscriber.crash) terminal.out(crashNote(subscriber.name, subscriber.crash));
        }
        if (stall) {
          terminal.out();
          for (const line of stallNote(stall)) terminal.out(colors.yellow(line));
        }
      }),
    );
}

function colorState(colors: Colors, state: SubscriberState): (text: string) => string {
  if (state === 'running') return colors.green;
  if (state === 'halted') return colors.red;
  return colors.dim;
}
