import { describeSubscribers, type ConfiguredSubscriber } from '../../inspection/configured-subscribers';
import { EventfoldError } from '../../errors/eventfold-error';
import type { EventStore } from '../../event-store/event-store';
import { assertHaltedLettersFree } from '../../subscriptions/operations/halted-letters-free';
import { SubscriberOperations } from '../../subscriptions/operations/subscriber-operations';
import { UnknownSubscriberError } from '../../subscriptions/subscriber-errors';
import { parseSegmentName } from '../../subscriptions/segments/segments';
import type { Flash } from '../pages/page-frame';

/**
 * The operations the browser's buttons run: retry and discard a dead letter, resume a halted
 * subscriber. Each answers with the message the page shows next; errors that say what to do
 * (a subscriber another process runs, a dead letter already gone) become that message.
 */
export class BrowserOperations {
  private readonly configured: readonly ConfiguredSubscriber[];
  private prepared: Promise<void> | undefined;

  constructor(
    private readonly store: EventStore,
    subscribers: readonly object[],
    private readonly prepare: (() => Promise<void> | void) | undefined,
  ) {
    this.configured = describeSubscribers(subscribers);
  }

  /** Runs a dead letter's event through its subscriber once more; it goes when it succeeds. */
  retry(id: number): Promise<Flash> {
    return outcomeOf(async () => {
      const operations = new SubscriberOperations(this.store);
      const letter = await operations.deadLetter(id);
      // The dead letters of a segment belong to the subscriber it is part of.
      const subscriber = this.subscriberNamed(parseSegmentName(letter.subscriber)?.subscriber ?? letter.subscriber);
      await assertHaltedLettersFree(operations, [letter], 'retry');
      this.prepared ??= Promise.resolve(this.prepare?.());
      await this.prepared;
      if (await operations.retryDeadLetter(id, subscriber.instance))
        return `Dead letter ${id} (${letter.subscriber}, ${letter.eventType} #${letter.position}) succeeded and was removed.`;
      const again = await operations.deadLetter(id);
      throw new RetryFailedAgain(`Dead letter ${id} (${letter.subscriber}, ${letter.eventType} #${letter.position}) failed again: ${again.errorMessage}`);
    });
  }

  private subscriberNamed(name: string): ConfiguredSubscriber {
    const found = this.configured.find((subscriber) => subscriber.name === name);
    if (found) return found;
    const known = this.configured.map((subscriber) => subscriber.name).sort();
    throw new UnknownSubscriberError(
      name,
      known,
      "The browser was not given it, so its dead letters cannot be retried here: pass the application's subscribers (the config's subscribers, or options.subscribers), or discard the dead letters.",
    );
  }

  /** Removes a dead letter for good; a subscriber halted on it moves past its event. */
  discard(id: number): Promise<Flash> {
    return outcomeOf(async () => {
      const operations = new SubscriberOperations(this.store);
      const letter = await operations.deadLetter(id);
      await assertHaltedLettersFree(operations, [letter], 'discard');
      await operations.discardDeadLetter(id);
      return `Dead letter ${id} (${letter.subscriber}, ${letter.eventType} #${letter.position}) discarded.`;
    });
  }

  /** Lets a halted subscriber try the event it halted on once more when it next runs. */
  resume(name: string): Promise<Flash> {
    return outcomeOf(async () => {
      const resumed = await new SubscriberOperations(this.store).resume(name);
      return resumed.length === 0
        ? `'${name}' was not halted: nothing to resume.`
        : `Resumed ${resumed.map((each) => `'${each}'`).join(', ')}: it tries the event it halted on again when a process runs it.`;
    });
  }
}

/** A retried dead letter failed again: shown as an error, not thrown to the user. */
class RetryFailedAgain extends Error {}

async function outcomeOf(operation: () => Promise<string>): Promise<Flash> {
  try {
    return { text: await operation(), error: false };
  } catch (error) {
    if (error instanceof EventfoldError || error instanceof RetryFailedAgain) return { text: error.message, error: true };
    return { text: `The operation failed: ${error instanceof Error ? error.message : String(error)}`, error: true };
  }
}
