import type { Kysely } from 'kysely';
import type { EventStore } from '../event-store/event-store';
import { processEventAccess, type ProcessEventContext } from '../process-managers/bind-process-manager';
import { deleteDeliveredDeadline } from '../process-managers/deadlines/due-deadline-queries';
import { dueDeadlineOf } from '../process-managers/deadlines/due-deadline';
import { beginStepTransaction } from '../process-managers/step-transaction';
import type { FiredDeadline } from '../process-managers/process-context';
import type { StepScope } from '../process-managers/process-step';
import type { RecordedEvent } from '../store/recorded-event';
import { DEADLINES_TABLE, type EventfoldTables } from '../store/schema';
import type { BoundSubscriber } from '../subscriptions/bound-subscriber';
import { assertionFailure } from './assertion-failure';

/** A deadline the fixture's clock delivered: the instance's key, and the deadline as its method saw it. */
export interface DeliveredDeadline extends FiredDeadline {
  /** The key of the instance that scheduled it. */
  readonly key: string;
}

/**
 * The most deadlines one move of the clock delivers: past it, a deadline that schedules itself
 * again with `{ afterMs: 0 }` would keep the clock from ever arriving.
 */
const MAX_DELIVERIES_PER_MOVE = 10_000;

/**
 * One process manager's steps in the order time brings them, for a test: the events of the log,
 * each once, as a dispatcher delivers them, and the deadlines, as they fall due on a clock that
 * moves only when told to. Each step runs through the process manager's real step code, in a
 * transaction of its own; what the steps append is noted, and reaches the process manager in
 * turn, as it would in production.
 *
 * A step that throws leaves nothing behind (its transaction is rolled back) and is passed over,
 * as a dispatcher parks an event that fails all its attempts; the error goes to the caller.
 */
export class ProcessTimeline {
  private checkpoint = 0;
  private clock: number;
  private recording: RecordedEvent[] | undefined;
  private readonly signal = new AbortController().signal;
  /** The keys of the instances some step ran for. */
  readonly keys = new Set<string>();

  constructor(
    private readonly store: EventStore,
    private readonly subscriber: BoundSubscriber & Required<Pick<BoundSubscriber, 'processManager'>>,
    start: number,
  ) {
    this.clock = start;
    store.onAppended((events) => this.recording?.push(...events));
  }

  /** The clock's time, in milliseconds since 1970. */
  get now(): number {
    return this.clock;
  }

  /** Runs the steps of every event of the log not stepped yet, those the steps append included. */
  async catchUp(appended: RecordedEvent[]): Promise<void> {
    for (;;) {
      const batch: RecordedEvent[] = [];
      for await (const recorded of this.store.readAll({ from: this.checkpoint + 1 })) batch.push(recorded);
      if (batch.length === 0) return;
      for (const recorded of batch) {
        this.checkpoint = recorded.position;
        await this.stepEvent(recorded, appended);
      }
    }
  }

  /**
   * Moves the clock to `until`, delivering each pending deadline due by then, the earliest first,
   * with the clock at its due time, and the steps of what they append.
   *
   * @returns the deadlines delivered, in order.
   */
  async advanceTo(until: number, appended: RecordedEvent[]): Promise<DeliveredDeadline[]> {
    const delivered: DeliveredDeadline[] = [];
    for (let next = await this.nextDue(until); next; next = await this.nextDue(until)) {
      if (delivered.length === MAX_DELIVERIES_PER_MOVE) {
        throw assertionFailure(
          `'${this.subscriber.name}' delivered ${MAX_DELIVERIES_PER_MOVE} deadlines without the clock reaching ${new Date(until).toISOString()}: ` +
            `a deadline that schedules itself again with { afterMs: 0 } keeps time from passing (the last: '${next.name}' of instance '${next.instance_key}').`,
        );
      }
      const { id, instanceKey: key, name, dueAt, payload } = dueDeadlineOf(next);
      this.clock = Math.max(this.clock, dueAt.getTime());
      delivered.push({ key, name, dueAt, payload });
      await this.inStep(appended, async (db, scope) => {
        // Removed in the transaction of its step: delivered once, or not at all when the step fails.
        await deleteDeliveredDeadline(db, id);
        this.keys.add(key);
        await this.subscriber.processManager.deliverDeadline(id, key, { name, dueAt, payload }, scope);
      });
      await this.catchUp(appended);
    }
    this.clock = Math.max(this.clock, until);
    return delivered;
  }

  private async nextDue(until: number) {
    return this.store.eventfoldDb
      .selectFrom(DEADLINES_TABLE)
      .selectAll()
      .where('process_manager', '=', this.subscriber.name)
      .where('status', '=', 'pending')
      .where('due_at', '<=', until)
      .orderBy('due_at')
      .orderBy('instance_key')
      .orderBy('name')
      .limit(1)
      .executeTakeFirst();
  }

  private async stepEvent(recorded: RecordedEvent, appended: RecordedEvent[]): Promise<void> {
    const handler = this.subscriber.handlers.get(recorded.event.constructor);
    if (!handler) return;
    const key = this.subscriber.processManager.keyOf(recorded.event, recorded);
    if (key === undefined) return;
    this.keys.add(key);
    await this.inStep(appended, async (db, scope) => {
      const context: ProcessEventContext = {
        recorded,
        eventId: recorded.eventId,
        position: recorded.position,
        metadata: recorded.metadata,
        attempt: 1,
        signal: this.signal,
        ...processEventAccess(this.store, db, (callback) => scope.afterCommit(callback), undefined, scope.now),
      };
      await handler(recorded.event, context);
    });
  }

  /** Runs one step in a transaction of its own; what it appended is announced, and noted in `appended`, once it commits. */
  private async inStep(appended: RecordedEvent[], step: (db: Kysely<EventfoldTables>, scope: StepScope) => Promise<void>): Promise<void> {
    const committed: Array<() => void> = [];
    await this.store.eventfoldTransaction(async (db) => {
      await beginStepTransaction(this.store, db);
      await step(db, {
        store: this.store,
        db,
        now: this.clock,
        attempt: 1,
        signal: this.signal,
        afterCommit: (callback) => committed.push(callback),
        onScheduled: undefined,
      });
    });
    // The step's appends are announced to the store's listeners by these callbacks, while the
    // listener of the constructor notes them.
    this.recording = appended;
    try {
      for (const callback of committed) callback();
    } finally {
      this.recording = undefined;
    }
  }
}
