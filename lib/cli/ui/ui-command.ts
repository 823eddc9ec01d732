import { Command, InvalidArgumentError } from 'commander';
import { serveEventBrowser } from '../../ui/serve-event-browser';
import type { Terminal } from '../output/terminal';
import { sessionOptionsOf, withSessionOptions } from '../program/session-options';
import { withSession } from '../session/cli-session';

interface UiOptions {
  readonly port: number;
  readonly host: string;
  readonly operations?: boolean;
}

/** Hosts that only this machine reaches. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * `eventfold ui`: serves the event browser over the database until stopped. Read-only unless
 * started with `--operations`, which prints the token the operations need.
 */
export function uiCommand(terminal: Terminal): Command {
  return withSessionOptions(new Command('ui'))
    .description('serve a web event browser: streams with time travel, the live log, subscribers and dead letters')
    .option('-p, --port <n>', 'port to listen on (0 picks a free one)', parsePort, 4000)
    .option('--host <address>', 'interface to listen on; other machines reach it only when this is not a loopback address', '127.0.0.1')
    .option('--operations', 'enable retry, discard and resume, for requests that carry the token printed at start')
    .action((options: UiOptions, command: Command) =>
      withSession(sessionOptionsOf(command), { config: false }, async (session) => {
        const { config, store } = session;
        const browser = await serveEventBrowser(store, {
          host: options.host,
          port: options.port,
          operations: options.operations ?? false,
          aggregates: config.aggregates ?? [],
          subscribers: await session.subscribers(),
          databaseLabel: session.databaseLabel,
          prepare: () => session.prepare(),
        });
        const { colors, errorColors } = terminal;
        terminal.out(`Event browser for ${session.databaseLabel}: ${colors.cyan(browser.url)}`);
        if (browser.token !== undefined) {
          terminal.out(`Operations are enabled. Open this address to use them (it carries the token):`);
          terminal.out(`  ${colors.cyan(`${browser.url}/?token=${browser.token}`)}`);
          terminal.out(`Or send the header: Authorization: Bearer ${browser.token}`);
        } else terminal.out(colors.dim('Read-only; start with --operations to retry, discard and resume.'));
        if (!LOOPBACK.has(options.host)) terminal.err(errorColors.yellow(`warning: listening on ${options.host}: other machines can read this database's events.`));
        terminal.out(colors.dim('Stop with Ctrl-C.'));
        await untilInterrupted();
        await browser.close();
      }),
    );
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || port > 65535) throw new InvalidArgumentError('Expected a port from 0 to 65535.');
  return port;
}

function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
