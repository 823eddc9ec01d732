import type { DeadLetter } from '../../subscriptions/dead-letter-store';
import { SubscriberOperations } from '../../subscriptions/operations/subscriber-operations';
import type { CliSession } from '../session/cli-session';
import { assertHaltedLettersFree } from '../../subscriptions/operations/halted-letters-free';

/**
 * Removes dead letters for good through {@link SubscriberOperations}, without starting any
 * subscriber, telling `discarded` of each as it goes. A parked dead letter is only a record, and
 * goes. For the event a subscriber halted on, the subscriber also moves past it, so that it goes
 * on from the next event when it starts.
 *
 * @throws {@link SubscriberBusyError} when another process runs a subscriber halted on one of them.
 *
 * @example
 * ```ts
 * await discardDeadLetters(session, letters, (letter) => console.log(`${letter.id} discarded`));
 * ```
 */
export async function discardDeadLetters(session: CliSession, letters: readonly DeadLetter[], discarded: (letter: DeadLetter) => void): Promise<void> {
  const operations = new SubscriberOperations(session.store);
  await assertHaltedLettersFree(operations, letters, 'discard');
  for (const letter of letters) {
    await operations.discardDeadLetter(letter.id);
    discarded(letter);
  }
}
