import type { Command } from 'commander';
import { DeadLetterStore, type DeadLetter } from '../../subscriptions/dead-letter-store';
import { DeadLetterNotFoundError } from '../../subscriptions/operations/dead-letter-not-found-error';
import { SubscriberOperations } from '../../subscriptions/operations/subscriber-operations';
import { parseIds } from '../program/option-parsers';
import type { CliSession } from '../session/cli-session';

/** The options of `retry` and `discard` that choose dead letters besides their ids. */
export interface SelectOptions {
  readonly all?: boolean;
  readonly subscriber?: string;
}

/** Which dead letters a command is about: some ids, or all (of one subscriber). */
export type Selection = { readonly ids: readonly number[] } | { readonly all: true; readonly subscriber?: string };

/** Checks the ids and options of `retry` and `discard`; a wrong combination is a usage error. */
export function selectionOf(command: Command, ids: readonly string[], options: SelectOptions): Selection {
  const usage = (message: string): never => command.error(`error: ${message}`, { exitCode: 2, code: 'eventfold.usage' });
  if (options.all && ids.length > 0) usage('give dead-letter ids or --all, not both.');
  if (!options.all && ids.length === 0) usage('give the ids of the dead letters, or --all.');
  if (options.subscriber !== undefined && !options.all) usage('--subscriber goes with --all.');
  if (options.all) return { all: true, subscriber: options.subscriber };
  try {
    return { ids: [...new Set(parseIds(ids))] };
  } catch (error) {
    return usage((error as Error).message);
  }
}

/**
 * The dead letters a selection names, oldest first for `--all`; `--subscriber` with the name of
 * a subscriber split into segments selects the dead letters of all its segments.
 *
 * @throws {@link DeadLetterNotFoundError} for an id that names no dead letter.
 * @throws {@link UnknownSubscriberError} for a `--subscriber` the database knows no subscriber by.
 */
export async function lettersOf(session: CliSession, selection: Selection): Promise<DeadLetter[]> {
  if ('all' in selection) return new SubscriberOperations(session.store).deadLetters(selection.subscriber);
  const store = new DeadLetterStore(session.store.eventfoldDb);
  const letters: DeadLetter[] = [];
  for (const id of selection.ids) {
    const letter = await store.get(id);
    if (!letter) throw new DeadLetterNotFoundError(id, await store.ids(), 'List them with: eventfold dead-letters list');
    letters.push(letter);
  }
  return letters;
}
