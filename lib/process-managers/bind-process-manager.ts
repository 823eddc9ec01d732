import type { Kysely } from 'kysely';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventStore } from '../event-store/event-store';
import type { EventMethodMap } from '../metadata/event-method-map';
import { describeValue } from '../store/describe-value';
import type { EventfoldTables } from '../store/schema';
import type { BoundHandler } from '../subscriptions/bound-subscriber';
import type { ProjectionContext } from '../subscriptions/subscriber-context';
import { keyFinderOf, type KeyOf } from './correlation';
import type { FiredDeadline } from './process-context';
import { UnknownDeadlineError } from './process-manager-errors';
import { readDeadlineHandlers } from './process-manager.decorators';
import type { EndedInstances, ProcessManagerOptions } from './process-manager-options';
import { runProcessStep, type StepMethod, type StepOwner, type StepScope } from './process-step';

/** A process manager's class, read: how events find instances, and its deadline methods. */
export interface ProcessManagerBinding extends StepOwner {
  readonly keyOf: KeyOf;
  /** The `@OnDeadline` methods by deadline name, bound to the instance. */
  readonly deadlineMethods: ReadonlyMap<string, StepMethod>;
  /**
   * Delivers a due deadline as a step of its instance, inside `scope.db`.
   *
   * @throws {@link UnknownDeadlineError} when the class has no method for it.
   */
  deliverDeadline(id: string, instanceKey: string, deadline: FiredDeadline, scope: StepScope): Promise<void>;
}

/**
 * What the dispatcher adds to a projection's context when it delivers an event to a process
 * manager: the store (the step reads and appends through a view of it inside the transaction),
 * and the hooks of the transaction's commit.
 */
export interface ProcessEventContext extends ProjectionContext {
  readonly store: EventStore;
  readonly now: number;
  afterCommit(callback: () => void): void;
  readonly onScheduled: ((dueAt: number) => void) | undefined;
}

/**
 * What to add to a projection's context for a process manager's step in `db`: the parts of
 * {@link ProcessEventContext} that a projection lacks.
 */
export function processEventAccess(
  store: EventStore,
  db: Kysely<EventfoldTables>,
  afterCommit: (callback: () => void) => void,
  onScheduled: ((dueAt: number) => void) | undefined,
  now = Date.now(),
): Pick<ProcessEventContext, 'db' | 'tableName' | 'store' | 'now' | 'afterCommit' | 'onScheduled'> {
  return { db, tableName: (table) => table, store, now, afterCommit, onScheduled };
}

/** Reads a `@ProcessManager` instance: its options checked, its `@On` methods wrapped into steps. */
export function bindProcessManager(
  instance: object,
  name: string,
  options: ProcessManagerOptions,
  eventMethods: EventMethodMap,
): { binding: ProcessManagerBinding; handlers: Map<Function, BoundHandler> } {
  const subscriberClass = instance.constructor;
  for (const option of ['segments', 'concurrency', 'tables'] as const) {
    if ((options as Record<string, unknown>)[option] !== undefined) {
      throw new InvalidArgumentError(
        `${option} of process manager '${name}'`,
        'a process manager runs whole, one step at a time, so that the steps of one instance stay in order; leave it out.',
      );
    }
  }
  const ended = endedPolicy(options.ended, name);
  const deadlineMethods = new Map<string, StepMethod>();
  readDeadlineHandlers(subscriberClass).forEach((method, deadline) => deadlineMethods.set(deadline, methodOf(instance, method, name)));
  const binding: ProcessManagerBinding = {
    name,
    ended,
    keyOf: keyFinderOf(name, options.correlationKey),
    deadlineMethods,
    deadlineNames: [...deadlineMethods.keys()],
    async deliverDeadline(id, instanceKey, deadline, scope) {
      const method = deadlineMethods.get(deadline.name);
      if (!method) throw new UnknownDeadlineError(name, deadline.name, [...deadlineMethods.keys()]);
      await runProcessStep(binding, instanceKey, { kind: 'deadline', id, deadline }, method, scope);
    },
  };
  const handlers = new Map<Function, BoundHandler>();
  eventMethods.forEach((method, eventClass) => {
    const step = methodOf(instance, method, name);
    handlers.set(eventClass, (async (event, context) => {
      const host = context as ProcessEventContext;
      const key = binding.keyOf(event, host.recorded);
      if (key === undefined) return;
      await runProcessStep(binding, key, { kind: 'event', recorded: host.recorded }, step, {
        store: host.store,
        db: host.db as Kysely<EventfoldTables>,
        now: host.now,
        attempt: host.attempt,
        signal: host.signal,
        afterCommit: (callback) => host.afterCommit(callback),
        onScheduled: host.onScheduled,
      });
    }) satisfies BoundHandler);
  });
  return { binding, handlers };
}

function methodOf(instance: object, method: string | symbol, name: string): StepMethod {
  const found = (instance as Record<string | symbol, unknown>)[method];
  if (typeof found !== 'function') throw new InvalidArgumentError(`process manager '${name}'`, `${String(method)} is not a method.`);
  return found.bind(instance) as StepMethod;
}

function endedPolicy(value: unknown, name: string): EndedInstances {
  if (value === undefined) return 'delete';
  if (value === 'delete' || value === 'keep') return value;
  throw new InvalidArgumentError(`ended of process manager '${name}'`, `expected 'delete' or 'keep', got ${describeValue(value)}.`);
}
