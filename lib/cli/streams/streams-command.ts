import { Command } from 'commander';
import { jsonText } from '../../inspection/json-text';
import { formatTable } from '../output/table';
import type { Terminal } from '../output/terminal';
import { sessionOptionsOf, withSessionOptions } from '../program/session-options';
import { withSession } from '../session/cli-session';
import { listStreams, listStreamTypes } from '../../inspection/list-streams';

interface StreamsOptions {
  readonly type?: string;
  readonly json?: boolean;
}

/** `eventfold streams`: lists the streams of the log, with how many events each has. */
export function streamsCommand(terminal: Terminal): Command {
  return withSessionOptions(new Command('streams'))
    .description('list the streams of the log, in the order they began')
    .option('-t, --type <type>', 'only streams of this type (e.g. Order)')
    .option('--json', 'print a JSON array')
    .action((options: StreamsOptions, command: Command) =>
      withSession(sessionOptionsOf(command), { config: false }, async ({ store }) => {
        const streams = await listStreams(store, { type: options.type });
        if (options.json) {
          terminal.out(jsonText(streams, 2));
          return;
        }
        const { colors } = terminal;
        if (streams.length === 0) {
          const types = await listStreamTypes(store);
          if (options.type === undefined) terminal.out('The log is empty.');
          else terminal.out(`No streams of type '${options.type}'. Stream types in the log: ${types.length ? types.join(', ') : '(none)'}.`);
          return;
        }
        const table = formatTable(
          [{ header: 'TYPE', style: (cell) => colors.cyan(cell) }, { header: 'ID' }, { header: 'EVENTS', align: 'right' }, { header: 'LAST EVENT' }],
          streams.map((stream) => [stream.type, stream.id, String(stream.version), stream.lastRecordedAt]),
          colors.bold,
        );
        for (const line of table) terminal.out(line);
        terminal.out(colors.dim(`${streams.length} stream${streams.length === 1 ? '' : 's'}`));
      }),
    );
}
