import type { Kysely } from 'kysely';
import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import type { EventStore } from '../../event-store/event-store';
import { EventLog } from '../../store/event-log';
import type { EventfoldTables } from '../../store/schema';
import { StoreClosedError } from '../../store/store-closed-error';
import { bindSubscriber, type BoundSubscriber } from '../bound-subscriber';
import { DeadLetterStore, type DeadLetter } from '../dead-letter-store';
import { parseSegmentName } from '../segments/segments';
import { SubscriptionStore } from '../subscription-store';
import { DeadLetterNotFoundError } from './dead-letter-not-found-error';
import { DeadLetterRetry } from './dead-letter-retry';
import { haltedReasonOf, isHaltedOn, statusAfterSettling, type StatusAfterSettling } from './halted-letter';
import { DeadLetterGone, OperationLeaseLost } from './operation-interruptions';
import { withOperationLease } from './operation-lease';
import { storedNamesOf } from './stored-subscriber-names';
import { readSubscriberStatus, type SubscriberStatusReport } from './subscriber-status-report';
import { planReset, resetSubscriber, type ResetEnvironment, type SubscriberReset } from './subscriber-reset';
import { checkStartPosition, type StartPosition } from '../start-position';
import { checkWholeNumber } from '../../validation/whole-number';

/** Options of {@link SubscriberOperations}. */
export interface SubscriberOperationsOptions {
  /**
   * How long a lease an operation takes lasts unless renewed, in milliseconds; it is renewed
   * while the operation runs. Should this process die during an operation, a dispatcher takes the
   * subscriber over this long after. Defaults to 5000, a dispatcher's default.
   */
  readonly leaseMs?: number;
}

/** A dead letter, and whether its subscriber halted on it or parked it. */
export interface InspectedDeadLetter extends DeadLetter {
  /**
   * True for the event its subscriber halted on (its checkpoint has not passed it): the
   * subscriber goes on only once it is retried successfully or discarded. False for a parked
   * event, which counts as finished.
   */
  readonly halted: boolean;
}

/**
 * Inspects and operates subscribers through the database alone, without starting a dispatcher:
 * nothing catches up and nothing is redelivered, so an operator can act on an event that kills
 * the process that handles it.
 *
 * Parked dead letters are only records, so they can be retried or discarded while the
 * application runs the subscriber. The event a subscriber halted on is different: settling it
 * moves the subscriber's checkpoint, which only one process may do at a time, so those
 * operations take the subscriber's lease for their duration, and refuse with a
 * {@link SubscriberBusyError} while another process holds it.
 *
 * @example
 * ```ts
 * const operations = new SubscriberOperations(store);
 * const { subscribers } = await operations.status();
 * for (const letter of await operations.deadLetters('open-orders')) {
 *   if (letter.halted) await operations.retryDeadLetter(letter.id, new OpenOrders());
 * }
 * ```
 */
export class SubscriberOperations {
  private readonly subscriptions: SubscriptionStore;
  private readonly letters: DeadLetterStore;
  private readonly leaseMs: number;

  /**
   * @throws {@link InvalidArgumentError} when `store` is not an {@link EventStore} or an option is out of range.
   * @throws {@link StoreClosedError} when the store is closed.
   */
  constructor(
    private readonly store: EventStore,
    options: SubscriberOperationsOptions = {},
  ) {
    if (!(store instanceof EventLog)) throw new InvalidArgumentError('store', 'expected an open EventStore, from EventStore.open(...).');
    if (store.isClosed) throw new StoreClosedError('operate subscribers');
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', 'expected an object such as { leaseMs: 5000 }.');
    this.leaseMs = checkWholeNumber(options.leaseMs ?? 5000, 'options.leaseMs');
    this.subscriptions = new SubscriptionStore(store.backend);
    this.letters = new DeadLetterStore(store.eventfoldDb);
  }

  /**
   * The head of the log and every subscriber that ever ran on the database, segments as their
   * own entries: checkpoint, lag, state, lease holder, halted reason, dead letters, and the
   * attempts at an event that never finished. On PostgreSQL, `stall` names a transaction left
   * open on the server that holds readers back, and `stalled` marks the subscribers it holds.
   *
   * @example
   * ```ts
   * for (const { name, state, lag, crash } of (await operations.status()).subscribers) {
   *   console.log(name, state, lag, crash ? `stopped its process ${crash.unfinishedAttempts} times at ${crash.position}` : '');
   * }
   * ```
   */
  status(): Promise<SubscriberStatusReport> {
    return readSubscriberStatus(this.store, this.subscriptions, this.letters);
  }

  /**
   * Dead letters, oldest first: of every subscriber, or of one. The name of a subscriber split
   * into segments stands for all of its segments; a segment's name for that segment.
   *
   * @throws {@link UnknownSubscriberError} for a name the database knows no subscriber by.
   *
   * @example
   * ```ts
   * const halted = (await operations.deadLetters('open-orders')).filter((letter) => letter.halted);
   * ```
   */
  async deadLetters(subscriber?: string): Promise<InspectedDeadLetter[]> {
    const saved = await this.subscriptions.list();
    let letters: DeadLetter[];
    if (subscriber === undefined) letters = await this.letters.list();
    else {
      assertName(subscriber);
      const stored = [...saved.map((subscription) => subscription.name), ...(await this.letters.countBySubscriber()).keys()];
      letters = await this.letters.list(storedNamesOf(subscriber, stored));
    }
    const byName = new Map(saved.map((subscription) => [subscription.name, subscription]));
    return letters.map((letter) => ({ ...letter, halted: isHaltedOn(byName.get(letter.subscriber), letter) }));
  }

  /**
   * One dead letter.
   *
   * @throws {@link DeadLetterNotFoundError} when no dead letter has this id.
   *
   * @example
   * ```ts
   * const { errorMessage, attempts, halted } = await operations.deadLetter(3);
   * ```
   */
  async deadLetter(id: number): Promise<InspectedDeadLetter> {
    const letter = await this.letterWithId(id);
    return { ...letter, halted: isHaltedOn(await this.subscriptions.load(letter.subscriber), letter) };
  }

  /**
   * Removes a dead letter for good. A parked one is only a record, and goes at once. For the
   * event its subscriber halted on, the subscriber also moves past the event, in one
   * transaction: the position counts as finished, the halt is cleared (the subscriber is
   * `'stopped'`), and a dispatcher that starts it next goes on from the following event.
   *
   * @throws {@link DeadLetterNotFoundError} when no dead letter has this id.
   * @throws {@link SubscriberBusyError} for the event a subscriber halted on while another
   *   process runs that subscriber: discard it there, through its dispatcher, or stop it first.
   *
   * @example
   * ```ts
   * await operations.discardDeadLetter(3);
   * ```
   */
  async discardDeadLetter(id: number): Promise<void> {
    const letter = await this.letterWithId(id);
    if (!isHaltedOn(await this.subscriptions.load(letter.subscriber), letter)) {
      await this.letters.removeById(this.store.eventfoldDb, letter.id);
      return;
    }
    const name = letter.subscriber;
    await withOperationLease(this.subscriptions, [name], `discard the event '${name}' halted on`, this.leaseMs, async (owner) => {
      // Read again under the lease: a process that ran the subscriber until now may have settled it.
      const current = await this.letterWithId(id);
      const saved = await this.subscriptions.load(name);
      const after = statusAfterSettling(saved, current, await this.letters.list(name));
      await this.store.eventfoldTransaction(async (db) => {
        await this.letters.removeById(db, current.id);
        if (isHaltedOn(saved, current)) await this.finish(db, name, owner, current.position, after);
      });
    });
  }

  /**
   * Runs a dead letter's event once more through `subscriber`, the `@EventHandler` or
   * `@Projection` instance it belongs to, with that subscriber's retry policy, attempts numbered
   * on from those the letter records. No dispatcher starts: only this event is handled.
   *
   * On success the letter goes; a projection applies the event and removes the letter in one
   * transaction, so its read model reflects the event exactly once. For the event the subscriber
   * halted on, the same transaction moves its checkpoint past the event and clears the halt, and
   * a dispatcher that starts the subscriber next goes on from the following event. On failure
   * the letter records the last error and the attempts in all, and the subscriber stays as it was.
   *
   * A parked letter may be retried while another process runs the subscriber.
   *
   * @returns whether the event succeeded this time.
   * @throws {@link InvalidArgumentError} when `subscriber` is not the letter's subscriber.
   * @throws {@link DeadLetterNotFoundError} when no dead letter has this id, or another retry or
   *   discard settled it first.
   * @throws {@link SubscriberBusyError} for the event a subscriber halted on while another
   *   process runs that subscriber.
   *
   * @example
   * ```ts
   * if (!(await operations.retryDeadLetter(3, new OpenOrders()))) console.log((await operations.deadLetter(3)).errorMessage);
   * ```
   */
  async retryDeadLetter(id: number, subscriber: object): Promise<boolean> {
    if (typeof subscriber !== 'object' || subscriber === null) {
      throw new InvalidArgumentError('subscriber', 'expected the @EventHandler or @Projection instance the dead letter belongs to.');
    }
    const bound = bindSubscriber(subscriber);
    const letter = await this.letterWithId(id);
    assertBelongs(letter, bound);
    this.store.registerEvents(...bound.eventClasses);
    const retry = new DeadLetterRetry(this.store, bound, this.letters);
    const name = letter.subscriber;
    try {
      if (!isHaltedOn(await this.subscriptions.load(name), letter)) return await retry.run(letter);
      return await withOperationLease(this.subscriptions, [name], `retry the event '${name}' halted on`, this.leaseMs, async (owner) => {
        const current = await this.letterWithId(id);
        const saved = await this.subscriptions.load(name);
        if (!isHaltedOn(saved, current)) return retry.run(current);
        const after = statusAfterSettling(saved, current, await this.letters.list(name));
        const succeeded = await retry.run(current, (db) => this.finish(db, name, owner, current.position, after));
        // Still halted on it: the stored reason tells of the latest failure, as a runner's would.
        if (!succeeded && saved?.status === 'halted') await this.subscriptions.setStatus(name, 'halted', haltedReasonOf(await this.letterWithId(id)));
        return succeeded;
      });
    } catch (error) {
      if (error instanceof DeadLetterGone) throw new DeadLetterNotFoundError(id, await this.letters.ids());
      throw error;
    }
  }

  /**
   * Clears a stored halt, so that the subscriber carries on with the event it halted on when a
   * dispatcher next starts it: that event is attempted again with the full retry policy, even
   * one the subscriber gave up on because it kept stopping the process. For a subscriber split
   * into segments, every halted segment is resumed. A subscriber that is not halted is left as
   * it is.
   *
   * @returns the names of the subscribers (or segments) resumed.
   * @throws {@link UnknownSubscriberError} for a name the database knows no subscriber by.
   * @throws {@link SubscriberBusyError} while another process runs a halted subscriber: resume it
   *   there, with `dispatcher.resume(name)`.
   *
   * @example
   * ```ts
   * await operations.resume('open-orders'); // ['open-orders[1/2]'] when one of two segments was halted
   * ```
   */
  async resume(subscriber: string): Promise<string[]> {
    assertName(subscriber);
    const saved = await this.subscriptions.list();
    const names = storedNamesOf(
      subscriber,
      saved.map((subscription) => subscription.name),
    );
    const halted = saved.filter((subscription) => names.includes(subscription.name) && subscription.status === 'halted').map((subscription) => subscription.name);
    if (halted.length === 0) return [];
    await withOperationLease(this.subscriptions, halted, `resume '${subscriber}'`, this.leaseMs, async (owner) => {
      for (const name of halted) {
        const current = await this.subscriptions.load(name);
        if (current?.status !== 'halted') continue;
        // An event given up on is kept in the in-flight record, so that every start halts on it
        // without an attempt; resuming asks for one more attempt, so the record goes. Its dead
        // letter still counts the attempts, and a crash during the next one counts on from there.
        if (current.inFlight?.gaveUp && !(await this.subscriptions.saveInFlight(name, owner, null))) throw new OperationLeaseLost(name);
        await this.subscriptions.setStatus(name, 'stopped');
      }
    });
    return halted;
  }

  /**
   * Moves a handler's checkpoint to `options.to`, so that the next dispatcher that starts it
   * receives the events from there: back to deliver events again (after fixing a bug in what it
   * does with them, say), or on to pass over events it should not act on. `to` is a
   * {@link StartPosition}, as in the subscriber option `startFrom`. The name of a subscriber split
   * into segments moves every segment's checkpoint to the same position.
   *
   * The handler must not be running: the reset takes its leases for its duration. What it had
   * finished beyond the old checkpoint, unfinished attempts and a halt are forgotten (it is left
   * `'stopped'`), and the dead letters of the events it will receive again are removed, since
   * those events are delivered again; dead letters of earlier events stay.
   *
   * Projections are refused: their read model already holds the effect of the events they would
   * receive again. Rebuild them instead.
   *
   * @returns each checkpoint moved, from and to, and how many dead letters were removed.
   * @throws {@link InvalidArgumentError} for a `to` that is no {@link StartPosition}.
   * @throws {@link UnknownSubscriberError} for a name the database knows no subscriber by.
   * @throws {@link ProjectionResetError} for a projection.
   * @throws {@link SubscriberBusyError} while a process runs the subscriber: stop it first.
   *
   * @example
   * ```ts
   * const { checkpoints } = await operations.reset('shipping-mails', { to: { time: new Date('2026-03-01T00:00:00Z') } });
   * for (const { subscriber, from, to } of checkpoints) console.log(`${subscriber}: ${from} -> ${to}`);
   * ```
   */
  async reset(subscriber: string, options: { readonly to: StartPosition }): Promise<SubscriberReset> {
    assertName(subscriber);
    return resetSubscriber(this.resetEnvironment(), subscriber, resetTarget(options));
  }

  /**
   * What {@link SubscriberOperations.reset} would change now, with the same arguments and errors,
   * changing nothing: the checkpoints it would move, how many events of the log lie between the
   * old and the new, and the dead letters it would remove. For a confirmation before the reset;
   * with `'now'` or a time, the new checkpoint may move on by the time the reset runs.
   *
   * @example
   * ```ts
   * const plan = await operations.planReset('shipping-mails', { to: 'beginning' });
   * console.log(`${plan.checkpoints[0]?.events} events will be delivered again`);
   * ```
   */
  async planReset(subscriber: string, options: { readonly to: StartPosition }): Promise<SubscriberReset> {
    assertName(subscriber);
    return planReset(this.resetEnvironment(), subscriber, resetTarget(options));
  }

  private resetEnvironment(): ResetEnvironment {
    return { store: this.store, subscriptions: this.subscriptions, letters: this.letters, leaseMs: this.leaseMs };
  }

  /** Marks the event a subscriber halted on finished, inside the caller's transaction. */
  private async finish(db: Kysely<EventfoldTables>, name: string, owner: string, position: number, after: StatusAfterSettling): Promise<void> {
    if (!(await this.subscriptions.finishHaltedEvent(db, name, owner, position, after.status, after.reason))) throw new OperationLeaseLost(name);
  }

  private async letterWithId(id: number): Promise<DeadLetter> {
    checkWholeNumber(id, 'id', { meaning: "a dead letter's id" });
    const letter = await this.letters.get(id);
    if (!letter) throw new DeadLetterNotFoundError(id, await this.letters.ids());
    return letter;
  }
}

function resetTarget(options: unknown): StartPosition {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', "expected an object such as { to: 'beginning' }, { to: { position: 120 } } or { to: { time: date } }.");
  }
  return checkStartPosition((options as { to?: unknown }).to, 'options.to');
}

function assertName(subscriber: unknown): asserts subscriber is string {
  if (typeof subscriber !== 'string' || subscriber === '')
    throw new InvalidArgumentError('subscriber', `expected a subscriber's name, got ${JSON.stringify(subscriber)}.`);
}

/** A dead letter is retried through the subscriber it belongs to, or the one its segment is part of. */
function assertBelongs(letter: DeadLetter, subscriber: BoundSubscriber): void {
  const owner = parseSegmentName(letter.subscriber)?.subscriber ?? letter.subscriber;
  if (owner === subscriber.name) return;
  throw new InvalidArgumentError(
    'subscriber',
    `dead letter ${letter.id} belongs to '${letter.subscriber}', not to '${subscriber.name}'; pass an instance of '${owner}'.`,
  );
}
