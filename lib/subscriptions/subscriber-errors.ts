import { EventfoldError } from '../errors/eventfold-error';

/** An object given to the dispatcher is not a subscriber. */
export class UnregisteredSubscriberError extends EventfoldError {
  readonly code = 'EVENTFOLD_UNREGISTERED_SUBSCRIBER';

  constructor(readonly className: string) {
    super(`${className} is not a subscriber: decorate its class with @EventHandler('name') or @Projection('name') ` + 'and mark its methods with @On(EventClass).');
  }
}

/** Two subscribers given to one dispatcher share a name (and so would share a checkpoint). */
export class DuplicateSubscriberError extends EventfoldError {
  readonly code = 'EVENTFOLD_DUPLICATE_SUBSCRIBER';

  constructor(readonly subscriber: string) {
    super(`Two subscribers are named '${subscriber}'. Names key checkpoints, so each subscriber needs its own.`);
  }
}

/**
 * A name names no subscriber: one given to the dispatcher (rebuild, resume) or to
 * `SubscriberOperations` that neither runs nor has anything stored, or the subscriber of a dead
 * letter that `eventfold dead-letters retry` cannot find in the config.
 */
export class UnknownSubscriberError extends EventfoldError {
  readonly code = 'EVENTFOLD_UNKNOWN_SUBSCRIBER';

  constructor(
    readonly subscriber: string,
    /** The names there are. */
    readonly known: readonly string[],
    /** What the caller can do about it, when the list of names is not enough. */
    nextStep?: string,
  ) {
    super(`No subscriber is named '${subscriber}'. Known subscribers: ${known.length ? known.join(', ') : '(none)'}.${nextStep ? ` ${nextStep}` : ''}`);
  }
}

/** A projection with neither declared `tables` nor a `reset(db)` method was asked to rebuild. */
export class RebuildNotSupportedError extends EventfoldError {
  readonly code = 'EVENTFOLD_REBUILD_NOT_SUPPORTED';

  constructor(readonly subscriber: string) {
    super(
      `Projection '${subscriber}' cannot be rebuilt: it declares no tables and has no reset(db) method. ` +
        "Declare its read-model tables (@Projection(name, { tables: ['...'] })) to rebuild into copies while the old tables stay readable, " +
        'or add async reset(db) { ... } that empties its read model; it runs in the rebuild transaction.',
    );
  }
}

/** An attempt to handle an event took longer than the retry policy's `timeoutMs`. */
export class HandlerTimeoutError extends EventfoldError {
  readonly code = 'EVENTFOLD_HANDLER_TIMEOUT';

  constructor(
    readonly subscriber: string,
    readonly timeoutMs: number,
  ) {
    super(`Subscriber '${subscriber}' took longer than ${timeoutMs} ms on one event; raise retry.timeoutMs if that is expected.`);
  }
}

/** The dispatcher was used after `stop()`. */
export class DispatcherStoppedError extends EventfoldError {
  readonly code = 'EVENTFOLD_DISPATCHER_STOPPED';

  constructor(readonly operation: string) {
    super(`Cannot ${operation}: the dispatcher is stopped. Start a new one with Dispatcher.start(...).`);
  }
}

/** A rebuild stopped before the end because the projection halted (or lost its lease). */
export class RebuildFailedError extends EventfoldError {
  readonly code = 'EVENTFOLD_REBUILD_FAILED';

  constructor(
    readonly subscriber: string,
    /** Every event up to this position was replayed. */
    readonly reached: number,
    readonly total: number,
    readonly reason: string,
    /**
     * True when the projection rebuilt into copies of its tables (blue/green): the copies were
     * dropped, and the read model the application reads is as it was before the rebuild.
     */
    readonly readModelKept = false,
  ) {
    super(
      `Rebuild of '${subscriber}' stopped at position ${reached} of ${total}: ${reason}. ` +
        (readModelKept
          ? 'Its copies were dropped and the read model is as it was before the rebuild; fix the cause, then rebuild again.'
          : 'See its dead letters, fix the cause, then retry the dead letter or rebuild again.'),
    );
  }
}

/**
 * A subscriber was started with a different number of segments than it last ran with, and its
 * checkpoints cannot be carried over safely yet.
 */
export class SegmentsChangedError extends EventfoldError {
  readonly code = 'EVENTFOLD_SEGMENTS_CHANGED';

  constructor(
    readonly subscriber: string,
    /** The segment counts it has stored checkpoints for. */
    readonly previous: readonly number[],
    readonly requested: number,
    /** Why the change cannot be made now, and what to do. */
    readonly reason: string,
  ) {
    super(
      `Subscriber '${subscriber}' last ran in ${previous.map(String).join(' and ')} segment${previous.length === 1 && previous[0] === 1 ? '' : 's'}, ` +
        `and is now started with ${requested}: ${reason}`,
    );
  }
}

/**
 * Recorded as the failure of an event whose handling stopped the process (an out-of-memory
 * crash, `process.exit`, a kill for time) as often as the subscriber's `maxCrashes` allows.
 */
export class UnfinishedAttemptsError extends EventfoldError {
  readonly code = 'EVENTFOLD_UNFINISHED_ATTEMPTS';

  constructor(
    readonly subscriber: string,
    readonly position: number,
    /** Attempts that started and never finished. */
    readonly attempts: number,
    readonly firstAttemptAt: Date,
    readonly lastAttemptAt: Date,
  ) {
    super(
      `The process stopped while '${subscriber}' was handling the event at position ${position}, ${attempts} time${attempts === 1 ? '' : 's'} ` +
        `(first at ${firstAttemptAt.toISOString()}, last at ${lastAttemptAt.toISOString()}). Its handler may crash the process ` +
        '(out of memory, process.exit, a native crash) or outlast the time the process is given; fix that, then retry the dead letter',
    );
  }
}

/** Subscribers of a dispatcher did not all become live in time (`dispatcher.waitUntilLive()`). */
export class SubscribersNotLiveError extends EventfoldError {
  readonly code = 'EVENTFOLD_NOT_LIVE';

  constructor(
    /** The subscribers that are not live, each with its state and, on standby, the process that holds its lease. */
    readonly notLive: ReadonlyArray<{ readonly name: string; readonly state: string; readonly heldBy?: string | null }>,
    readonly timeoutMs: number,
  ) {
    const described = notLive.map(({ name, state, heldBy }) => `'${name}' is ${state}${heldBy ? ` (process ${heldBy} holds its lease)` : ''}`);
    super(
      `Not every subscriber became live within ${timeoutMs} ms: ${described.join('; ')}. ` +
        'A subscriber on standby runs in another process until that process stops or its lease runs out; a halted one waits for its dead letter to be retried or discarded.',
    );
  }
}

/** A subscriber that had not reached a position when `dispatcher.waitFor` gave up, and why. */
export interface LaggingSubscriber {
  readonly name: string;
  /** Its state in this dispatcher: `'standby'` when another process runs it. */
  readonly state: string;
  /** Every event up to this position is finished (for one on standby, as last saved). */
  readonly checkpoint: number;
  /** How many positions its checkpoint is short of the one waited for. */
  readonly behind: number;
  /** Why it halted, when it did: it does not move until its dead letter is retried or discarded. */
  readonly haltedReason?: string;
  /** On standby: the process that holds its lease, if any. */
  readonly heldBy?: string | null;
}

/**
 * `dispatcher.waitFor(position)` gave up before every subscriber waited for had finished the
 * events up to `position`: `timeoutMs` ran out, or one of them halted (and so would not get
 * there by itself).
 */
export class PositionNotReachedError extends EventfoldError {
  readonly code = 'EVENTFOLD_POSITION_NOT_REACHED';

  constructor(
    readonly position: number,
    readonly timeoutMs: number,
    /** The subscribers short of `position`, each with its checkpoint and state. */
    readonly lagging: readonly LaggingSubscriber[],
    /** True when the time ran out; false when a halted subscriber ended the wait early. */
    readonly timedOut: boolean,
  ) {
    const described = lagging.map(describeLagging).join('; ');
    const halted = lagging.some((subscriber) => subscriber.haltedReason !== undefined);
    super(
      (timedOut ? `Position ${position} was not reached within ${timeoutMs} ms: ` : `Position ${position} will not be reached: `) +
        `${described}. ` +
        (halted ? 'A halted subscriber moves again once its dead letter is retried or discarded (eventfold dead-letters). ' : '') +
        (timedOut ? 'Raise timeoutMs if the subscribers are only slow, and see dispatcher.stats() for their lag.' : 'The read model does not show this write yet.'),
    );
  }
}

function describeLagging({ name, state, checkpoint, behind, haltedReason, heldBy }: LaggingSubscriber): string {
  const where = `'${name}' is at ${checkpoint}, ${behind} position${behind === 1 ? '' : 's'} behind`;
  if (haltedReason !== undefined) return `${where}, halted: ${haltedReason}`;
  if (state === 'standby') return `${where}, run by ${heldBy ? `process ${heldBy}` : 'no process now (its lease is free)'}`;
  return `${where} (${state})`;
}
