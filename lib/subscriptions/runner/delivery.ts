import type { Kysely } from 'kysely';
import type { RecordedEvent } from '../../store/recorded-event';
import type { EventfoldTables } from '../../store/schema';
import type { AttemptOutcome } from '../attempts';
import type { BoundSubscriber } from '../bound-subscriber';
import type { RunnerState } from '../subscriber-stats';
import type { AttemptJournal } from './attempt-journal';
import type { CheckpointWriter } from './checkpoint-writer';
import type { EventAttempts } from './event-attempts';
import type { RunnerEnvironment } from './runner-environment';

/**
 * How a runner hands events to its subscriber: a handler's per-stream queues, a projection's
 * transactions. The runner holds one and calls it; it owns the events taken and not finished.
 */
export interface Delivery {
  /** Starts as much work as the subscriber's limits allow. */
  dispatch(): void;
  /** Whether the subscriber halted on the event at `position`. */
  haltedOn(position: number): boolean;
  /** Marks the halted event finished (its dead letter discarded). */
  skipHaltedEvent(position: number): Promise<void>;
  /** Puts the events the subscriber halted on first in line again. */
  onResume(): void;
  /**
   * Drops events taken but not finished, before the subscriber starts over from its stored
   * checkpoint (after regaining a lease): the new feed delivers them again.
   */
  forgetTaken(): void;
}

/** What a {@link Delivery} may use of the runner that holds it. */
export interface DeliveryHost {
  readonly name: string;
  readonly subscriber: BoundSubscriber;
  readonly env: RunnerEnvironment;
  readonly state: RunnerState;
  /** Aborted when the runner stops. */
  readonly stopping: AbortSignal;
  readonly checkpoints: CheckpointWriter;
  readonly journal: AttemptJournal;
  readonly attempts: EventAttempts;
  /** Takes the next event that needs work, finishing on the spot those that need none. */
  takeNext(): RecordedEvent | undefined;
  /** Runs `task`, so that stop() waits for it; the next work starts in a later turn. */
  track(task: Promise<void>): void;
  /** Records events as finished; `writtenCheckpoint` is what a transaction just committed with them. */
  finished(events: readonly RecordedEvent[], handled: boolean, writtenCheckpoint?: number): void;
  /** Dead-letters an event after its last attempt; false when the subscriber halted on it. */
  giveUp(recorded: RecordedEvent, outcome: Extract<AttemptOutcome, { kind: 'failed' }>): Promise<boolean>;
  /** Removes, inside `db`, the dead letter of the halted event if it is among `positions`. */
  clearHaltedLetter(db: Kysely<EventfoldTables>, positions: readonly number[]): Promise<void>;
  /** Handles a failure of eventfold's own work (not the handler's). */
  recover(error: unknown): void;
  /** Changes state; the only way state changes. */
  moveTo(state: RunnerState): void;
  /** Starts whatever work can start now. */
  pump(): void;
}
