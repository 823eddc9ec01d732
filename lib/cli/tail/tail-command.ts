import { Command } from 'commander';
import { jsonText } from '../../inspection/json-text';
import type { Terminal } from '../output/terminal';
import { parseWholeNumber } from '../program/option-parsers';
import { sessionOptionsOf, withSessionOptions } from '../program/session-options';
import { withSession } from '../session/cli-session';
import { followLog } from '../../inspection/follow-log';
import { entryStreamType, formatLogEntry, logEntryJson } from './log-entry-text';

interface TailOptions {
  readonly from?: number;
  readonly type?: string;
  readonly json?: boolean;
  readonly interval: number;
}

/** `eventfold tail`: prints events as they are appended, until interrupted. */
export function tailCommand(terminal: Terminal): Command {
  return withSessionOptions(new Command('tail'))
    .description('print events as they are appended, by any process, until stopped with Ctrl-C')
    .option('--from <position>', 'start at this position of the log (default: only events appended from now on)', parseWholeNumber)
    .option('-t, --type <type>', 'only events of streams of this type (e.g. Order)')
    .option('--json', 'print one JSON object per line')
    .option('--interval <ms>', 'how often to look for new events, in milliseconds', parseWholeNumber, 200)
    .action((options: TailOptions, command: Command) =>
      withSession(sessionOptionsOf(command), { config: false }, async (session) => {
        const { store } = session;
        const from = options.from ?? (await store.headPosition()) + 1;
        const stop = new AbortController();
        const onSignal = () => stop.abort();
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        terminal.err(terminal.errorColors.dim(`Following ${session.databaseLabel} from position ${from}; stop with Ctrl-C.`));
        try {
          await followLog(store, { from, intervalMs: options.interval, signal: stop.signal }, (entry) => {
            if (options.type !== undefined && entryStreamType(entry) !== options.type) return;
            terminal.out(options.json ? jsonText(logEntryJson(entry)) : formatLogEntry(entry, terminal.colors));
          });
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      }),
    );
}
