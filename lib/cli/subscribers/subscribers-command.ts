import { Command } from 'commander';
import { SubscriberOperations } from '../../subscriptions/operations/subscriber-operations';
import type { StartPosition } from '../../subscriptions/start-position';
import { terminalConfirmation, type Confirmation } from '../output/confirmation';
import type { Terminal } from '../output/terminal';
import { parseStartPosition } from '../program/option-parsers';
import { sessionOptionsOf, withSessionOptions } from '../program/session-options';
import { withSession } from '../session/cli-session';
import { resetWithConfirmation } from './reset-subscriber';

/** `eventfold subscribers reset`. */
export function subscribersCommand(terminal: Terminal, confirmation: Confirmation = terminalConfirmation()): Command {
  const command = new Command('subscribers').description('operate subscribers: move a handler to start again elsewhere');
  command.addCommand(resetCommand(terminal, confirmation));
  return command;
}

function resetCommand(terminal: Terminal, confirmation: Confirmation): Command {
  return withSessionOptions(new Command('reset'))
    .description("move an event handler's checkpoint, so that it next starts there (asks first; projections are rebuilt instead)")
    .argument('<name>', 'handler name, as given to @EventHandler (a split one moves every segment)')
    .requiredOption('--to <start>', 'beginning, now, a position (the first event delivered) or an ISO date and time', parseStartPosition)
    .option('-y, --yes', 'reset without asking')
    .action((name: string, options: { to: StartPosition; yes?: boolean }, command: Command) =>
      withSession(sessionOptionsOf(command), { config: false }, async ({ store }) => {
        await resetWithConfirmation(new SubscriberOperations(store), name, options.to, terminal, { yes: options.yes === true, confirmation });
      }),
    );
}
