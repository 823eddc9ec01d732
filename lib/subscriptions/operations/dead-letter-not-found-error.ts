import { EventfoldError } from '../../errors/eventfold-error';

/** How many ids of existing dead letters a message lists before it says how many more there are. */
const IDS_SHOWN = 20;

/**
 * A dead-letter id names no dead letter: it was never there, or a retry or discard has settled
 * it already. Thrown by `SubscriberOperations`, by a dispatcher's `retryDeadLetter` and
 * `discardDeadLetter`, and by `eventfold dead-letters`.
 *
 * @example
 * ```ts
 * try {
 *   await operations.discardDeadLetter(7);
 * } catch (error) {
 *   if (error instanceof DeadLetterNotFoundError) console.log('ids now:', error.known);
 *   else throw error;
 * }
 * ```
 */
export class DeadLetterNotFoundError extends EventfoldError {
  readonly code = 'EVENTFOLD_DEAD_LETTER_NOT_FOUND';

  constructor(
    /** The id asked for. */
    readonly id: number,
    /** The ids of the dead letters there are, oldest first. */
    readonly known: readonly number[],
    /** Where to list them, for callers other than `SubscriberOperations`. */
    nextStep = 'List them with operations.deadLetters().',
  ) {
    super(`No dead letter has id ${id}. ${knownText(known)} ${nextStep}`);
  }
}

function knownText(known: readonly number[]): string {
  if (known.length === 0) return 'There are no dead letters now.';
  const more = known.length > IDS_SHOWN ? ` and ${known.length - IDS_SHOWN} more` : '';
  return `Dead letters now: id ${known.slice(0, IDS_SHOWN).join(', ')}${more}.`;
}
