import type { DeadLetter } from '../../subscriptions/dead-letter-store';
import { SubscriberOperations } from '../../subscriptions/operations/subscriber-operations';
import { parseSegmentName } from '../../subscriptions/segments/segments';
import type { CliSession } from '../session/cli-session';
import { describeSubscribers } from '../../inspection/configured-subscribers';
import { findSubscriber } from '../subscribers/find-subscriber';
import { assertHaltedLettersFree } from '../../subscriptions/operations/halted-letters-free';

/** What became of one retried dead letter. */
export interface RetryOutcome {
  /** The dead letter as it was before the retry. */
  readonly letter: DeadLetter;
  readonly succeeded: boolean;
  /** The error of the last attempt, when it failed again. */
  readonly error?: string;
}

/**
 * Runs the events of dead letters through their subscribers from the config once more, one
 * after another, through {@link SubscriberOperations}, telling `retried` of each outcome as it
 * comes: no dispatcher starts, so nothing else is delivered, and an event that kills its
 * handler's process takes only this command down.
 *
 * Where another process runs a subscriber, its parked dead letters are still retried here (the
 * other process does not wait on them), but the event it halted on is left to it.
 *
 * @throws {@link UnknownSubscriberError} when a dead letter's subscriber is not in the config.
 * @throws {@link SubscriberBusyError} for the halted event of a subscriber another process runs.
 *
 * @example
 * ```ts
 * const outcomes = await retryDeadLetters(session, letters, ({ letter, succeeded }) => console.log(letter.id, succeeded));
 * ```
 */
export async function retryDeadLetters(session: CliSession, letters: readonly DeadLetter[], retried: (outcome: RetryOutcome) => void): Promise<RetryOutcome[]> {
  const configured = describeSubscribers(await session.subscribers());
  // The dead letters of a segment belong to the subscriber it is part of.
  const subscriberOf = (letter: DeadLetter) => findSubscriber(configured, parseSegmentName(letter.subscriber)?.subscriber ?? letter.subscriber).instance;
  // Every letter's subscriber must be in the config before any is retried.
  for (const letter of letters) subscriberOf(letter);
  const operations = new SubscriberOperations(session.store);
  await assertHaltedLettersFree(operations, letters, 'retry');
  await session.prepare();
  const outcomes: RetryOutcome[] = [];
  for (const letter of letters) {
    const succeeded = await operations.retryDeadLetter(letter.id, subscriberOf(letter));
    const outcome = succeeded ? { letter, succeeded } : { letter, succeeded, error: (await operations.deadLetter(letter.id)).errorMessage };
    outcomes.push(outcome);
    retried(outcome);
  }
  return outcomes;
}
