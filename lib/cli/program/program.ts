import { Command } from 'commander';
import { deadLettersCommand } from '../dead-letters/dead-letters-command';
import { historyCommand } from '../history/history-command';
import type { Terminal } from '../output/terminal';
import { processesCommand } from '../processes/processes-command';
import { rebuildCommand } from '../rebuild/rebuild-command';
import { statusCommand } from '../status/status-command';
import { streamsCommand } from '../streams/streams-command';
import { subscribersCommand } from '../subscribers/subscribers-command';
import { tailCommand } from '../tail/tail-command';
import { uiCommand } from '../ui/ui-command';
import { packageVersion } from './package-version';
import { withSessionOptions } from './session-options';

const EXAMPLES = `
Examples:
  $ eventfold history Order o-1 --db trading.db
  $ eventfold history Order o-1 --version 3 --json
  $ eventfold streams --type Order
  $ eventfold tail
  $ eventfold status
  $ eventfold rebuild open-orders
  $ eventfold dead-letters list
  $ eventfold dead-letters retry --all
  $ eventfold subscribers reset fill-notifier --to beginning
  $ eventfold processes list order-expiry
  $ eventfold ui --operations

The config module (--config, or eventfold.config.ts / .js in the working folder) exports
defineConfig({ database, events, aggregates, setup, subscribers }) as default.`;

/**
 * The `eventfold` command line: every command, with `--help` on each. Commander's own exits are
 * turned into exceptions (`exitOverride`), so that {@link runCli} decides the exit code.
 */
export function buildProgram(terminal: Terminal): Command {
  const program = withSessionOptions(new Command('eventfold'))
    .description('Look into an eventfold event store and operate its subscribers.')
    .version(packageVersion(), '-V, --version', 'print the version of eventfold')
    .helpOption('-h, --help', 'show help')
    .enablePositionalOptions()
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(text.replace(/^error:/, terminal.errorColors.red('error:'))),
    })
    .addHelpText('after', EXAMPLES);
  for (const command of [
    historyCommand,
    streamsCommand,
    tailCommand,
    statusCommand,
    rebuildCommand,
    deadLettersCommand,
    subscribersCommand,
    processesCommand,
    uiCommand,
  ]) {
    program.addCommand(command(terminal));
  }
  inheritSettings(program);
  return program;
}

/** Gives every subcommand the program's output, exit and help settings (`addCommand` does not). */
function inheritSettings(parent: Command): void {
  for (const command of parent.commands) {
    command.copyInheritedSettings(parent);
    inheritSettings(command);
  }
}
