import { DeadLetterStore, type DeadLetter } from '../../subscriptions/dead-letter-store';
import { SubscriptionStore } from '../../subscriptions/subscription-store';
import type { Terminal } from '../output/terminal';
import type { CliSession } from '../session/cli-session';
import { describeSubscribers } from '../subscribers/configured-subscribers';
import { findSubscriber } from '../subscribers/find-subscriber';
import { assertRunsHere, withSubscribers } from '../subscribers/run-subscribers';
import { isHaltedOn } from './halted-letter';

/** What became of one dead letter asked to be discarded. */
export interface DiscardOutcome {
  readonly letter: DeadLetter;
  /** `'discarded'`, or `'succeeded'` when the halted subscriber's redelivery settled it first. */
  readonly result: 'discarded' | 'succeeded';
}

/**
 * Removes dead letters for good.
 *
 * A parked dead letter is only a record: its event is finished, so removing the row is all there
 * is to it, and no subscriber runs. The event a subscriber halted on is different: the
 * subscriber must move past it, which only its runner can do, so a dispatcher of this process
 * runs that subscriber, and discards the dead letter once it has halted on it again.
 *
 * @throws {@link UnknownSubscriberError} when a halted subscriber is not in the config.
 * @throws {@link SubscriberBusyError} when another process runs a halted subscriber.
 */
export async function discardDeadLetters(session: CliSession, letters: readonly DeadLetter[], terminal: Terminal): Promise<DiscardOutcome[]> {
  const { store } = session;
  const deadLetters = new DeadLetterStore(store.db);
  const subscriptions = new SubscriptionStore(store.db);
  const outcomes: DiscardOutcome[] = [];
  const halted: DeadLetter[] = [];
  for (const letter of letters) {
    if (isHaltedOn(await subscriptions.load(letter.subscriber), letter)) halted.push(letter);
    else {
      await deadLetters.remove(store.db, letter.subscriber, letter.position);
      outcomes.push({ letter, result: 'discarded' });
    }
  }
  if (halted.length === 0) return outcomes;
  const configured = describeSubscribers(await session.subscribers());
  const subscribers = [...new Set(halted.map((letter) => letter.subscriber))].map((name) => findSubscriber(configured, name));
  await session.prepare();
  await withSubscribers(session, subscribers, terminal, async (dispatcher) => {
    for (const subscriber of subscribers) await assertRunsHere(dispatcher, session, subscriber.name, `discard the event '${subscriber.name}' halted on`);
    await dispatcher.idle();
    for (const letter of halted) {
      if (!(await deadLetters.get(letter.id))) {
        outcomes.push({ letter, result: 'succeeded' });
        continue;
      }
      await dispatcher.discardDeadLetter(letter.id);
      outcomes.push({ letter, result: 'discarded' });
    }
  });
  return outcomes;
}
