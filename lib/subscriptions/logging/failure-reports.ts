import type { RecordedEvent } from '../../store/recorded-event';
import { errorMessageOf } from '../halt-reason';
import type { SubscriberLogger } from './subscriber-logger';

/** The facts of an event a report names. */
type ReportedEvent = Pick<RecordedEvent, 'position' | 'type' | 'streamType' | 'streamId' | 'eventId'>;

/** How often, at most, one subscriber is reported as falling behind. */
const FALLING_BEHIND_EVERY_MS = 60_000;

/**
 * Turns what happens to subscribers into one log line each, with what to do about it. A program
 * that parks an event, halts or loses a lease says so even if it prints nothing else.
 */
export class FailureReports {
  private readonly behindReportedAt = new Map<string, number>();

  constructor(private readonly logger: SubscriberLogger) {}

  /** An event went to the dead letters and the subscriber moved on. */
  parked(subscriber: string, recorded: ReportedEvent, letterId: number, attempts: number, error: unknown): void {
    this.logger.warn(
      `eventfold: subscriber '${subscriber}' parked ${describeEvent(recorded)} as dead letter ${letterId} after ${plural(attempts, 'attempt')}: ` +
        `${errorMessageOf(error)}. Later events go on. Once the cause is fixed, retry it with \`eventfold dead-letters retry ${letterId}\` ` +
        `(or dispatcher.retryDeadLetter(${letterId})), or drop it with \`eventfold dead-letters discard ${letterId}\`.`,
    );
  }

  /** The subscriber stopped on an event: nothing after it is handled until it is dealt with. */
  halted(subscriber: string, recorded: ReportedEvent, letterId: number, attempts: number, error: unknown): void {
    this.logger.error(
      `eventfold: subscriber '${subscriber}' halted on ${describeEvent(recorded)} (dead letter ${letterId}) after ${plural(attempts, 'attempt')}: ` +
        `${errorMessageOf(error)}. Nothing after it is handled until it is dealt with: fix the cause, then run ` +
        `\`eventfold dead-letters retry ${letterId}\`, or skip the event with \`eventfold dead-letters discard ${letterId}\`.`,
    );
  }

  /** Another process took the subscriber's lease: this process stands by. */
  leaseLost(subscriber: string): void {
    this.logger.warn(
      `eventfold: subscriber '${subscriber}' lost its lease to another process and stands by; it takes over again if that process stops. ` +
        'If no other process should run it, check for a stall longer than leaseMs (a blocked event loop, a paused VM) and raise leaseMs.',
    );
  }

  /** A blue/green rebuild a stopped process left unfinished was undone: the old read model goes on. */
  rebuildUndone(projection: string, startedAt: string): void {
    this.logger.warn(
      `eventfold: the rebuild of projection '${projection}' begun at ${startedAt} was cut short (its process stopped) and has been undone: ` +
        'its copies are dropped and the read model goes on from where it was. Run the rebuild again: dispatcher.rebuild() or eventfold rebuild.',
    );
  }

  /** The subscriber's buffer overflowed: appends come faster than it handles them. */
  fallingBehind(subscriber: string, lag: number): void {
    const now = Date.now();
    if (now - (this.behindReportedAt.get(subscriber) ?? -Infinity) < FALLING_BEHIND_EVERY_MS) return;
    this.behindReportedAt.set(subscriber, now);
    this.logger.warn(
      `eventfold: subscriber '${subscriber}' cannot keep up with appends (${plural(lag, 'event')} behind); it reads them from the log meanwhile. ` +
        'If it stays behind, give it a larger batchSize (projections), more concurrency (handlers) or split it into segments.',
    );
  }

  /** A failure of eventfold's own work for a subscriber (a checkpoint not saved, the log not read). */
  ownError(subscriber: string, error: unknown): void {
    this.logger.error(`eventfold: subscriber '${subscriber}': ${errorMessageOf(error)}`);
  }
}

function describeEvent(recorded: ReportedEvent): string {
  return `event ${recorded.position} (${recorded.type}, stream ${recorded.streamType}/${recorded.streamId}, id ${recorded.eventId})`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
