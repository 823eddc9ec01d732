import type { Kysely } from 'kysely';
import type { EventStore } from '../event-store/event-store';
import type { EventfoldTables } from '../store/schema';
import type { BoundSubscriber } from '../subscriptions/bound-subscriber';
import type { RunnerEnvironment } from '../subscriptions/runner/runner-environment';
import type { DeadlineBackend, DeadlineReceiver } from './deadlines/deadline-attempt';
import { DeadlineDelivery } from './deadlines/deadline-delivery';

/**
 * The deadline delivery of a dispatcher's process managers, or undefined when it runs none. Each
 * deadline is delivered as a step of its instance, in the delivery's transaction; what the step
 * appended is announced, and the deadlines it scheduled woken for, once that transaction commits.
 */
export function deadlineDeliveryOf(
  store: EventStore,
  subscribers: readonly BoundSubscriber[],
  env: RunnerEnvironment,
  pollIntervalMs: number,
): DeadlineDelivery | undefined {
  const managers = subscribers.filter((subscriber) => subscriber.processManager !== undefined);
  if (managers.length === 0) return undefined;
  // The delivery runs one transaction at a time: the hooks of the one under way.
  let afterCommit: Array<() => void> = [];
  const backend: DeadlineBackend = {
    name: store.backend.name,
    db: store.eventfoldDb,
    async transaction<T>(work: (trx: Kysely<EventfoldTables>) => Promise<T>): Promise<T> {
      const hooks: Array<() => void> = [];
      afterCommit = hooks;
      // The step appends in between its other writes, the claim of the deadline first among them.
      const result = await store.eventfoldTransaction(async (trx) => {
        await store.backend.holdLogForAppends(trx);
        return work(trx);
      });
      for (const hook of hooks) hook();
      return result;
    },
  };
  const receivers = new Map<string, DeadlineReceiver>();
  for (const { name, retry, processManager } of managers) {
    receivers.set(name, {
      retry,
      deliver: (trx, due, signal) =>
        processManager!.deliverDeadline(
          due.id,
          due.instanceKey,
          { name: due.name, dueAt: due.dueAt, payload: due.payload },
          {
            store,
            db: trx,
            now: Date.now(),
            attempt: due.attempts + 1,
            signal,
            afterCommit: (hook) => afterCommit.push(hook),
            onScheduled: (dueAt) => delivery.wake(dueAt),
          },
        ),
    });
  }
  const delivery = new DeadlineDelivery({
    backend,
    processManagers: receivers,
    pollIntervalMs,
    onError: (error, processManager) => env.onError(error, processManager ?? '(deadlines)'),
  });
  env.deadlineWakeUp.connect((dueAt) => delivery.wake(dueAt));
  return delivery;
}
