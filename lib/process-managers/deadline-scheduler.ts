import type { EventStore } from '../event-store/event-store';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { describeValue } from '../store/describe-value';
import type { DeadlineWakeUp } from './deadline-wake-up';
import { dueTimeOf, type DeadlineTime } from './deadline-time';
import { cancelDeadline, scheduleDeadline } from './deadlines/deadline-table';

/** Which deadline: of which process manager's instance, under which name. */
export interface DeadlineTarget {
  /** The process manager's name, as `@ProcessManager` gives it. */
  readonly processManager: string;
  /** The instance's correlation key. */
  readonly key: string;
  /** The deadline's name, as `@OnDeadline` names it. */
  readonly name: string;
}

/**
 * Schedules and cancels deadlines of process managers from outside their steps: from an event
 * handler (as `context.deadlines`), a request handler, a script. Each call is a transaction of
 * its own; scheduling again under the same target replaces the pending deadline, so a handler
 * that runs twice for one event schedules it once.
 *
 * @example
 * ```ts
 * @EventHandler('reminder-requests')
 * class ReminderRequests {
 *   @On(OrderPlaced)
 *   async placed(event: OrderPlaced, { deadlines }: HandlerContext) {
 *     await deadlines.schedule({ processManager: 'order-expiry', key: event.orderId, name: 'expire' }, { afterMs: 60_000 });
 *   }
 * }
 * ```
 */
export class DeadlineScheduler {
  /** @internal Handlers get one in their context. */
  constructor(
    private readonly store: EventStore,
    private readonly wakeUp: DeadlineWakeUp | undefined,
  ) {}

  /** Schedules the deadline, replacing a pending one of the same target; `payload` is JSON, as in a step. */
  async schedule(target: DeadlineTarget, when: DeadlineTime, payload: unknown = null): Promise<void> {
    checkTarget(target);
    const now = Date.now();
    const dueAt = dueTimeOf(when, now, 'when');
    await this.store.eventfoldTransaction((db) =>
      scheduleDeadline(db, { processManager: target.processManager, instanceKey: target.key, name: target.name, dueAt, payload, now: new Date(now) }),
    );
    this.wakeUp?.wake(dueAt);
  }

  /** Cancels the pending deadline of the target, if any; resolves to whether there was one. */
  async cancel(target: DeadlineTarget): Promise<boolean> {
    checkTarget(target);
    return this.store.eventfoldTransaction((db) => cancelDeadline(db, target.processManager, target.key, target.name));
  }
}

function checkTarget(target: DeadlineTarget): void {
  if (typeof target !== 'object' || target === null) {
    throw new InvalidArgumentError('target', `expected { processManager, key, name }, got ${describeValue(target)}.`);
  }
  for (const field of ['processManager', 'key', 'name'] as const) {
    const value: unknown = target[field];
    if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(`target.${field}`, `expected a non-empty string, got ${describeValue(value)}.`);
  }
}
