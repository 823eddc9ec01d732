import type { Kysely } from 'kysely';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventMetadata } from '../events/event-metadata';
import type { RecordedEvent } from '../store/recorded-event';
import { dueTimeOf, type DeadlineTime } from './deadline-time';
import type { ProcessStore } from './process-store';

/** A deadline that fell due, as its `@OnDeadline` method sees it. */
export interface FiredDeadline {
  /** The name it was scheduled under. */
  readonly name: string;
  /** When it was due; it is delivered at this time or later, never earlier. */
  readonly dueAt: Date;
  /** What was passed to `schedule`. */
  readonly payload: unknown;
}

/** A change to a deadline that a step asked for, applied when the step's method returns. */
export type DeadlineChange =
  { readonly kind: 'schedule'; readonly name: string; readonly dueAt: number; readonly payload: unknown } | { readonly kind: 'cancel'; readonly name: string };

/** @internal How a step was started, and what it may read and write. */
export interface StepSetup<DB> {
  readonly processManager: string;
  readonly key: string;
  /** The instance's state before the step; undefined when it has none. */
  readonly state: object | undefined;
  readonly store: ProcessStore<DB>;
  readonly db: Kysely<DB>;
  readonly recorded: RecordedEvent | undefined;
  readonly deadline: FiredDeadline | undefined;
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly now: number;
  /** The id of the message that caused the step: the event's id, or `deadline:<id>` for a deadline. */
  readonly causationId: string;
}

/**
 * What a process manager's `@On` and `@OnDeadline` methods receive: the instance's key and state,
 * and the ways to act. Every effect joins the step's transaction: `store` appends, state changes,
 * `schedule` and `cancel`, and `end`, all commit together with the process manager's checkpoint
 * (or the deadline's removal), or none of them do.
 *
 * An instance exists from the first step that sets its `state` until one calls `end()`. The state
 * is stored as JSON: keep it to plain objects, arrays, strings, finite numbers, booleans and null
 * (a Date as its ISO string); anything else fails the step with an error naming the field.
 *
 * @example
 * ```ts
 * @ProcessManager('fill-watch', { correlationKey: 'orderId' })
 * class FillWatch {
 *   @On(OrderFilled)
 *   async filled(fill: OrderFilled, process: ProcessContext<{ filled: number }>) {
 *     process.state = { filled: (process.state?.filled ?? 0) + fill.volume };
 *     if (process.state.filled < 10) return;
 *     await process.store.publish(new NotificationRequested('trader', `order ${process.key} filled`), { metadata: process.causation });
 *     process.end();
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as for EventStore: untyped code names any table
export class ProcessContext<State extends object = Record<string, unknown>, DB = any> {
  /** The process manager's name. */
  readonly processManager: string;
  /** The instance's correlation key. */
  readonly key: string;
  /** The store, through this step's transaction: repositories, `append`, `publish`, reads. */
  readonly store: ProcessStore<DB>;
  /** This step's transaction, for the application's own tables. */
  readonly db: Kysely<DB>;
  /** The event that started the step; undefined in an `@OnDeadline` method. */
  readonly recorded: RecordedEvent | undefined;
  /** The deadline that started the step; undefined in an `@On` method. */
  readonly deadline: FiredDeadline | undefined;
  /** 1 on the first attempt at this step, 2 on the first retry, and so on. */
  readonly attempt: number;
  /** Aborted when the attempt timed out or the dispatcher is stopping: pass it to I/O that accepts one. */
  readonly signal: AbortSignal;
  /** The time of the step, as the dispatcher's clock tells it: `afterMs` counts from here. */
  readonly now: Date;
  /**
   * Metadata for what the step appends, tying it to what caused it: `causationId` is the event's id
   * (or `deadline:<id>`), `correlationId` the cause's own correlation id, or its id when it has none.
   */
  readonly causation: EventMetadata;
  private current: State | undefined;
  private readonly existed: boolean;
  private endedHere = false;
  private readonly changes: DeadlineChange[] = [];

  /** @internal Made by the dispatcher for each step. */
  constructor(setup: StepSetup<DB>) {
    this.processManager = setup.processManager;
    this.key = setup.key;
    this.store = setup.store;
    this.db = setup.db;
    this.recorded = setup.recorded;
    this.deadline = setup.deadline;
    this.attempt = setup.attempt;
    this.signal = setup.signal;
    this.now = new Date(setup.now);
    this.current = setup.state as State | undefined;
    this.existed = setup.state !== undefined;
    const correlationId = setup.recorded?.metadata.correlationId;
    this.causation = Object.freeze({ causationId: setup.causationId, correlationId: typeof correlationId === 'string' ? correlationId : setup.causationId });
  }

  /** The instance's state; undefined while it has none (no step has set it yet). Changes made to it in place are stored too. */
  get state(): State | undefined {
    return this.current;
  }

  /** Sets the instance's state, starting the instance if it had none. */
  set state(value: State) {
    this.assertNotEnded('set the state');
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InvalidArgumentError(`state of ${this.describe()}`, 'expected a plain object of JSON values.');
    }
    this.current = value;
  }

  /** Whether the instance existed before this step (false on the step that starts it). */
  get existedBefore(): boolean {
    return this.existed;
  }

  /** Whether `end()` was called in this step. */
  get ended(): boolean {
    return this.endedHere;
  }

  /**
   * Ends the instance when the step commits: its pending deadlines are cancelled, and it is kept
   * or deleted as the process manager's `ended` option says.
   */
  end(): void {
    this.endedHere = true;
  }

  /**
   * Schedules the deadline `name` of this instance, replacing a pending one of the same name. When
   * it falls due, the `@OnDeadline(name)` method receives `payload` (JSON, as the state is).
   *
   * @example
   * ```ts
   * @ProcessManager('order-reminders')
   * class OrderReminders {
   *   @On(OrderPlaced)
   *   placed(_event: OrderPlaced, process: ProcessContext) {
   *     process.schedule('expire', { afterMs: 30_000 }, { reason: 'unfilled' });
   *     process.schedule('report', { at: new Date('2027-01-01T00:00:00Z') });
   *   }
   * }
   * ```
   */
  schedule(name: string, when: DeadlineTime, payload: unknown = null): void {
    this.assertNotEnded('schedule a deadline');
    this.checkName(name, 'schedule');
    this.changes.push({ kind: 'schedule', name, dueAt: dueTimeOf(when, this.now.getTime(), `schedule('${name}') when`), payload });
  }

  /** Cancels the pending deadline `name` of this instance, if there is one; a cancelled deadline never fires. */
  cancel(name: string): void {
    this.checkName(name, 'cancel');
    this.changes.push({ kind: 'cancel', name });
  }

  /** @internal The deadline changes asked for, in order. */
  get deadlineChanges(): readonly DeadlineChange[] {
    return this.changes;
  }

  private checkName(name: string, method: string): void {
    if (typeof name !== 'string' || name.trim() === '') throw new InvalidArgumentError(`${method}() name`, `expected the deadline's name, as @OnDeadline names it.`);
  }

  private assertNotEnded(what: string): void {
    if (this.endedHere) throw new InvalidArgumentError(this.describe(), `it has ended in this step; it cannot ${what} any more.`);
  }

  private describe(): string {
    return `process '${this.processManager}' instance '${this.key}'`;
  }
}
