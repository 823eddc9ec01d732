import { DeadLetterStore, type DeadLetter } from '../../subscriptions/dead-letter-store';
import { SubscriptionStore } from '../../subscriptions/subscription-store';
import type { Terminal } from '../output/terminal';
import type { CliSession } from '../session/cli-session';
import { describeSubscribers } from '../subscribers/configured-subscribers';
import { findSubscriber } from '../subscribers/find-subscriber';
import { assertRunsHere, runsHere, withSubscribers } from '../subscribers/run-subscribers';
import { isHaltedOn } from './halted-letter';

/** What became of one retried dead letter. */
export interface RetryOutcome {
  /** The dead letter as it was before the retry. */
  readonly letter: DeadLetter;
  readonly succeeded: boolean;
  /** The error of the last attempt, when it failed again. */
  readonly error?: string;
}

/**
 * Runs the events of dead letters through their subscribers again, in a dispatcher of this
 * process that runs only those subscribers.
 *
 * The dispatcher first lets its subscribers catch up: a subscriber halted on a dead letter
 * retries that event by itself as it starts, and another retry right after would only repeat
 * it. A dead letter that such a redelivery settled is reported from what it did.
 *
 * Where another process runs a subscriber, its parked dead letters are still retried here (the
 * other process does not wait on them), but the event it halted on is left to it.
 *
 * @throws {@link UnknownSubscriberError} when a dead letter's subscriber is not in the config.
 * @throws {@link SubscriberBusyError} for the halted event of a subscriber another process runs.
 */
export async function retryDeadLetters(session: CliSession, letters: readonly DeadLetter[], terminal: Terminal): Promise<RetryOutcome[]> {
  const configured = describeSubscribers(await session.subscribers());
  const names = [...new Set(letters.map((letter) => letter.subscriber))];
  const subscribers = names.map((name) => findSubscriber(configured, name));
  await session.prepare();
  const deadLetters = new DeadLetterStore(session.store.db);
  const subscriptions = new SubscriptionStore(session.store.db);
  return withSubscribers(session, subscribers, terminal, async (dispatcher) => {
    for (const name of names) {
      if (runsHere(dispatcher, name)) continue;
      const saved = await subscriptions.load(name);
      if (letters.some((letter) => letter.subscriber === name && isHaltedOn(saved, letter))) {
        await assertRunsHere(dispatcher, session, name, `retry the event '${name}' halted on`);
      }
    }
    await dispatcher.idle();
    const outcomes: RetryOutcome[] = [];
    for (const letter of letters) {
      const current = await deadLetters.get(letter.id);
      if (!current) {
        outcomes.push({ letter, succeeded: true });
        continue;
      }
      if (current.failedAt.getTime() > letter.failedAt.getTime()) {
        outcomes.push({ letter, succeeded: false, error: current.errorMessage });
        continue;
      }
      const succeeded = await dispatcher.retryDeadLetter(letter.id);
      outcomes.push(succeeded ? { letter, succeeded } : { letter, succeeded, error: (await deadLetters.get(letter.id))?.errorMessage });
    }
    return outcomes;
  });
}
