import { Command } from 'commander';
import { SubscriberOperations } from '../../subscriptions/operations/subscriber-operations';
import { jsonText } from '../../inspection/json-text';
import type { Terminal } from '../output/terminal';
import { sessionOptionsOf, withSessionOptions } from '../program/session-options';
import { withSession } from '../session/cli-session';
import { RetryFailedError } from './dead-letter-errors';
import { lettersOf, selectionOf, type SelectOptions } from './dead-letter-selection';
import { describeDeadLetter, formatDeadLetters } from './dead-letter-text';
import { discardDeadLetters } from './discard-dead-letters';
import { retryDeadLetters } from './retry-dead-letters';

/** `eventfold dead-letters list | retry | discard`. */
export function deadLettersCommand(terminal: Terminal): Command {
  const command = new Command('dead-letters').description('list, retry or discard the events subscribers gave up on');
  command.addCommand(listCommand(terminal));
  command.addCommand(retryCommand(terminal));
  command.addCommand(discardCommand(terminal));
  return command;
}

function listCommand(terminal: Terminal): Command {
  return withSessionOptions(new Command('list'))
    .description('list dead letters, oldest first')
    .option('-s, --subscriber <name>', "only this subscriber's dead letters")
    .option('--json', 'print a JSON array')
    .action((options: { subscriber?: string; json?: boolean }, command: Command) =>
      withSession(sessionOptionsOf(command), { config: false }, async ({ store }) => {
        const letters = await new SubscriberOperations(store).deadLetters(options.subscriber);
        if (options.json) terminal.out(jsonText(letters, 2));
        else if (letters.length === 0) terminal.out(options.subscriber ? `No dead letters of '${options.subscriber}'.` : 'No dead letters.');
        else for (const line of formatDeadLetters(letters, terminal.colors)) terminal.out(line);
      }),
    );
}

function retryCommand(terminal: Terminal): Command {
  return withSessionOptions(new Command('retry'))
    .description("run dead letters' events through their subscribers again; those that succeed are removed")
    .argument('[ids...]', 'ids of the dead letters (see dead-letters list)')
    .option('--all', 'retry every dead letter')
    .option('-s, --subscriber <name>', "with --all: only this subscriber's dead letters")
    .action((ids: string[], options: SelectOptions, command: Command) => {
      const selection = selectionOf(command, ids, options);
      return withSession(sessionOptionsOf(command), { config: true }, async (session) => {
        const letters = await lettersOf(session, selection);
        if (letters.length === 0) {
          terminal.out('No dead letters to retry.');
          return;
        }
        const { colors } = terminal;
        const outcomes = await retryDeadLetters(session, letters, ({ letter, succeeded, error }) =>
          terminal.out(
            succeeded
              ? `Dead letter ${describeDeadLetter(letter)}: ${colors.green('succeeded')}, removed.`
              : `Dead letter ${describeDeadLetter(letter)}: ${colors.red('failed again')}: ${error ?? 'unknown error'}`,
          ),
        );
        const failed = outcomes.filter((outcome) => !outcome.succeeded).map((outcome) => outcome.letter.id);
        if (failed.length > 0) throw new RetryFailedError(failed, outcomes.length);
      });
    });
}

function discardCommand(terminal: Terminal): Command {
  return withSessionOptions(new Command('discard'))
    .description('remove dead letters for good; a subscriber halted on one moves past its event')
    .argument('[ids...]', 'ids of the dead letters (see dead-letters list)')
    .option('--all', 'discard every dead letter')
    .option('-s, --subscriber <name>', "with --all: only this subscriber's dead letters")
    .action((ids: string[], options: SelectOptions, command: Command) => {
      const selection = selectionOf(command, ids, options);
      return withSession(sessionOptionsOf(command), { config: false }, async (session) => {
        const letters = await lettersOf(session, selection);
        if (letters.length === 0) {
          terminal.out('No dead letters to discard.');
          return;
        }
        await discardDeadLetters(session, letters, (letter) => terminal.out(`Dead letter ${describeDeadLetter(letter)}: discarded.`));
      });
    });
}
