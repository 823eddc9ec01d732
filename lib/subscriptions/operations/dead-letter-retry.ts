import { processEventAccess } from '../../process-managers/bind-process-manager';
import { DeadlineScheduler } from '../../process-managers/deadline-scheduler';
import type { Kysely } from 'kysely';
import { InvalidArgumentError } from '../../errors/invalid-argument-error';
import type { UndecodableEventError } from '../../events/undecodable-event-error';
import type { EventStore } from '../../event-store/event-store';
import type { RecordedEvent } from '../../store/recorded-event';
import type { EventfoldTables } from '../../store/schema';
import { attemptWithRetries } from '../attempts';
import type { BoundHandler, BoundSubscriber } from '../bound-subscriber';
import type { DeadLetter, DeadLetterStore } from '../dead-letter-store';
import { readEventAt } from '../read-event-at';
import { DeadLetterGone, OperationLeaseLost } from './operation-interruptions';

/**
 * Work that commits together with a retried event's success: for the event a subscriber halted
 * on, moving its checkpoint past the event.
 */
export type SettleInTransaction = (db: Kysely<EventfoldTables>) => Promise<void>;

/** The dead letter's event as the log holds it, or why it cannot be had. */
type ReadOutcome = { readonly recorded: RecordedEvent } | { readonly undecodable: UndecodableEventError };

/** Nothing stops a retry from outside: it runs its policy to the end. */
const NEVER_STOPPED = new AbortController().signal;
const UNOBSERVED = { failed: () => undefined, retrying: () => undefined };

/**
 * Runs one dead letter's event through a subscriber once more, outside any dispatcher: with the
 * subscriber's retry policy, attempts numbered on from those the letter records.
 *
 * A handler's `@On` method gets a {@link HandlerContext}; once it succeeds, the letter goes (and
 * `settle` runs) in one transaction. A projection's attempt is one transaction that removes the
 * letter first, applies the event through {@link ProjectionContext.db} and runs `settle`, so the
 * read model reflects the event exactly once: a second retry of the same letter, here or in
 * another process, finds the letter gone and applies nothing. When every attempt fails, the
 * letter records the last error and the attempts in all.
 *
 * @example
 * ```ts
 * const succeeded = await new DeadLetterRetry(store, bindSubscriber(new OpenOrders()), deadLetters).run(letter);
 * ```
 */
export class DeadLetterRetry {
  constructor(
    private readonly store: EventStore,
    private readonly subscriber: BoundSubscriber,
    private readonly deadLetters: DeadLetterStore,
  ) {}

  /**
   * Resolves to whether the event succeeded this time.
   *
   * @throws {@link InvalidArgumentError} when the log lacks the event or the subscriber has no
   *   `@On` method for its class.
   */
  async run(letter: DeadLetter, settle?: SettleInTransaction): Promise<boolean> {
    const read = await readLetterEvent(this.store, letter);
    let policy = this.subscriber.retry;
    let work: (attempt: number, signal: AbortSignal) => Promise<void>;
    if ('recorded' in read) {
      const { recorded } = read;
      const handler = this.handlerFor(letter, recorded);
      work = (attempt, signal) => this.attempt(letter, recorded, handler, attempt, signal, settle);
    } else {
      // Retrying cannot make an event decodable: it gets the one attempt a dispatcher gives it.
      policy = { ...policy, maxAttempts: 1 };
      work = () => Promise.reject(read.undecodable);
    }
    const outcome = await attemptWithRetries(policy, this.subscriber.name, NEVER_STOPPED, UNOBSERVED, work, isHandlerFailure, letter.attempts);
    if (outcome.kind === 'succeeded') {
      if (this.subscriber.kind === 'handler') await this.settleHandled(letter, settle);
      return true;
    }
    // Only a stop cuts attempts short, and nothing stops a retry.
    if (outcome.kind === 'stopped') return false;
    if (!isHandlerFailure(outcome.error)) throw outcome.error;
    await this.deadLetters.recordFailure(letter.id, outcome.error, outcome.attempts);
    return false;
  }

  private async attempt(
    letter: DeadLetter,
    recorded: RecordedEvent,
    handler: BoundHandler,
    attempt: number,
    signal: AbortSignal,
    settle?: SettleInTransaction,
  ): Promise<void> {
    const context = { recorded, eventId: recorded.eventId, position: recorded.position, metadata: recorded.metadata, attempt, signal };
    if (this.subscriber.kind === 'handler') {
      await handler(recorded.event, { ...context, store: this.store, deadlines: new DeadlineScheduler(this.store, undefined) });
      return;
    }
    const committed: Array<() => void> = [];
    await this.store.eventfoldTransaction(async (db) => {
      if (this.subscriber.kind === 'process-manager') await this.store.backend.holdLogForAppends(db);
      if (!(await this.deadLetters.removeById(db, letter.id))) throw new DeadLetterGone(letter.id);
      // A letter left to retry is never a rebuild's (a rebuild that fails drops its letters with its
      // copies), so the event goes to the tables the application reads.
      const access =
        this.subscriber.kind === 'process-manager'
          ? processEventAccess(this.store, db, (callback) => committed.push(callback), undefined)
          : { db, tableName: (table: string) => table };
      await handler(recorded.event, { ...context, ...access });
      await settle?.(db);
      // An attempt abandoned for its timeout may still get here: it must not commit beside its retry.
      if (signal.aborted) throw signal.reason;
    });
    // A process manager's step announces what it appended once it is committed.
    for (const callback of committed) callback();
  }

  /** After a handler succeeded: its letter goes, together with what settles the event. */
  private async settleHandled(letter: DeadLetter, settle?: SettleInTransaction): Promise<void> {
    await this.store.eventfoldTransaction(async (db) => {
      // Gone already means another retry or discard settled it meanwhile; the handler deduplicates by event id.
      await this.deadLetters.removeById(db, letter.id);
      await settle?.(db);
    });
  }

  private handlerFor(letter: DeadLetter, recorded: RecordedEvent): BoundHandler {
    const handler = this.subscriber.handlers.get(recorded.event.constructor);
    if (!handler) {
      throw new InvalidArgumentError(
        'subscriber',
        `'${this.subscriber.name}' has no @On method for ${recorded.type}, the event of dead letter ${letter.id}; pass the subscriber that handles it.`,
      );
    }
    return handler;
  }
}

/** Reads the letter's event; one that cannot be decoded is a failure of the retry, not of the caller. */
async function readLetterEvent(store: EventStore, letter: DeadLetter): Promise<ReadOutcome> {
  let undecodable: UndecodableEventError | undefined;
  const onUndecodable = (error: UndecodableEventError) => void (undecodable = error);
  const recorded = await readEventAt(store, letter.position, onUndecodable);
  if (recorded) return { recorded };
  if (undecodable) return { undecodable };
  throw new InvalidArgumentError('id', `dead letter ${letter.id} names position ${letter.position}, which the log does not hold; discard it.`);
}

/** A lost lease or a letter settled elsewhere is not the handler's doing: never retried, never recorded. */
function isHandlerFailure(error: unknown): boolean {
  return !(error instanceof OperationLeaseLost || error instanceof DeadLetterGone);
}
