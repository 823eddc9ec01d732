import type { Kysely } from 'kysely';
import type { RecordedEvent } from '../../store/recorded-event';
import type { EventfoldTables } from '../../store/schema';
import type { AttemptOutcome } from '../attempts';
import type { DeadLetter } from '../dead-letter-store';
import { errorMessageOf, haltReason } from '../halt-reason';
import { readEventAt } from '../read-event-at';
import type { StatsCollector } from '../subscriber-stats';
import { StaleCheckpointError } from './checkpoint-writer';
import type { Delivery, DeliveryHost } from './delivery';

/** What {@link DeadLettering} uses of its runner besides what a delivery may. */
export interface DeadLetteringHost extends Omit<DeliveryHost, 'giveUp' | 'clearHaltedLetter'> {
  readonly delivery: Delivery;
  readonly stats: StatsCollector;
  waitFor(position: number): Promise<void>;
}

/**
 * Owns what happens to an event after its last attempt: parking it as a dead letter, or halting
 * the subscriber on it; and the operator's answers, retrying or discarding a dead letter and
 * resuming a halted subscriber. Every outcome is reported through the dispatcher's logger.
 */
export class DeadLettering {
  /** Why the subscriber halted, while it is halted. */
  haltedReason: string | undefined;
  /** Position of the event the subscriber halted on; its dead letter goes once it succeeds. */
  haltedPosition: number | undefined;

  constructor(private readonly host: DeadLetteringHost) {}

  /** Forgets a halt (a fresh start from the stored checkpoint). */
  reset(): void {
    this.haltedReason = undefined;
    this.haltedPosition = undefined;
  }

  /**
   * Dead-letters an event after its last attempt; false when the subscriber halted on it. The
   * letter commits together with what follows from it (a halt's status, a projection's
   * checkpoint), and only while this process holds the lease: a process that lost it leaves the
   * event to the one that took over.
   *
   * @throws {@link StaleCheckpointError} when the lease was lost; nothing was written.
   */
  async giveUp(recorded: RecordedEvent, outcome: Extract<AttemptOutcome, { kind: 'failed' }>): Promise<boolean> {
    const { host } = this;
    const { deadLetters, store, subscriptions, reports, owner } = host.env;
    const halting = host.subscriber.onFailure === 'halt';
    const reason = haltReason(recorded.position, recorded.type, errorMessageOf(outcome.error));
    let written: number | undefined;
    const id = await store.eventfoldTransaction(async (db) => {
      const holdsLease = halting
        ? await subscriptions.setStatus(host.name, 'halted', reason, { owner, db })
        : host.subscriber.kind !== 'handler' || (await subscriptions.holdsLease(db, host.name, owner));
      if (!holdsLease) throw new StaleCheckpointError(`'${host.name}' lost its lease before it could record the failure of event ${recorded.position}`);
      const letter = await deadLetters.record(db, host.name, recorded, outcome.error, outcome.attempts, halting);
      // A projection's checkpoint write checks the lease itself.
      if (!halting && host.subscriber.kind !== 'handler') written = await host.checkpoints.writeIn(db, [recorded.position]);
      return letter;
    });
    host.stats.deadLettered++;
    host.attempts.telemetry.deadLettered();
    if (halting) {
      this.haltedPosition = recorded.position;
      this.haltedReason = reason;
      // Only now, with the halt stored, are those waiting on the subscriber let go.
      host.moveTo('halted');
      reports.halted(host.name, recorded, id, outcome.attempts, outcome.error);
      return false;
    }
    host.finished([recorded], false, written);
    reports.parked(host.name, recorded, id, outcome.attempts, outcome.error);
    return true;
  }

  /** Removes, inside `db`, the dead letter of the event the subscriber halted on, if it is among `positions`. */
  async clearHaltedLetter(db: Kysely<EventfoldTables>, positions: readonly number[]): Promise<void> {
    const position = this.haltedPosition;
    if (position === undefined || !positions.includes(position)) return;
    await this.host.env.deadLetters.remove(db, this.host.name, position);
    this.haltedPosition = undefined;
  }

  /** Gives a dead letter one more series of attempts; true when it now succeeded. */
  async retry(letter: DeadLetter): Promise<boolean> {
    const { host } = this;
    // An event the runner has yet to finish (it halted on it, or was resumed and is delivering it
    // again) is the runner's to deliver: attempting it here as well would apply it twice.
    if (this.haltedPosition === letter.position || !host.checkpoints.tracker.isFinished(letter.position)) {
      if (host.state === 'halted' && host.delivery.haltedOn(letter.position)) this.resume();
      await host.waitFor(letter.position);
      const succeeded = host.checkpoints.tracker.isFinished(letter.position);
      if (succeeded) host.stats.deadLettered = Math.max(0, host.stats.deadLettered - 1);
      return succeeded;
    }
    const recorded = await readEventAt(host.env.store, letter.position);
    if (!recorded) return false;
    const removeLetter = async (db: Kysely<EventfoldTables>) => {
      // Another retry (or a discard) settled the letter first: this attempt must not commit as
      // well, or a process manager's step would act twice.
      if (!(await host.env.deadLetters.remove(db, host.name, letter.position))) {
        throw new StaleCheckpointError(`dead letter ${letter.id} of '${host.name}' was settled by another retry or a discard meanwhile`);
      }
    };
    const transactional = host.subscriber.kind !== 'handler';
    const outcome = await host.attempts.attempt(recorded, transactional ? removeLetter : undefined, letter.attempts);
    if (outcome.kind === 'failed' && outcome.error instanceof StaleCheckpointError) return false;
    if (outcome.kind === 'failed') await host.env.deadLetters.record(host.env.store.eventfoldDb, host.name, recorded, outcome.error, outcome.attempts);
    if (outcome.kind !== 'succeeded') return false;
    if (!transactional) await removeLetter(host.env.store.eventfoldDb);
    // It counts as processed now, and no longer as dead-lettered.
    host.stats.processed++;
    host.stats.deadLettered = Math.max(0, host.stats.deadLettered - 1);
    return true;
  }

  /** Drops a dead letter; a subscriber halted on it moves past the event and resumes. */
  async discard(letter: DeadLetter): Promise<void> {
    const { host } = this;
    if (host.state === 'halted' && host.delivery.haltedOn(letter.position)) {
      await host.delivery.skipHaltedEvent(letter.position);
      if (this.haltedPosition === letter.position) this.haltedPosition = undefined;
      this.resume();
    } else {
      await host.env.deadLetters.remove(host.env.store.eventfoldDb, host.name, letter.position);
    }
  }

  /** Clears a halt and carries on from the event it halted on. */
  resume(): void {
    const { host } = this;
    if (host.state !== 'halted') return;
    this.haltedReason = undefined;
    // Events given up on for stopping the process get one more attempt, as resuming asks.
    host.journal.pardon();
    host.moveTo('catching-up');
    void host.env.subscriptions.setStatus(host.name, 'running', null, { owner: host.env.owner }).catch((error) => host.env.onError(error, host.name));
    host.delivery.onResume();
    host.pump();
  }
}
