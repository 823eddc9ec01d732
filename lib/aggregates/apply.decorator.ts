import 'reflect-metadata';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventClass } from '../events/event-class';

const APPLY_HANDLERS = Symbol.for('eventfold:apply-handlers');

/** Apply methods of one aggregate class, by event class. */
export type ApplyHandlers = ReadonlyMap<Function, string | symbol>;

/**
 * Marks a method as the one that changes the aggregate's state when `eventClass` happens. It
 * runs when the aggregate raises the event and again for every replay, so it must only change
 * state: no I/O, no clock, no random numbers, no throwing for business rules.
 *
 * @example
 * ```ts
 * @Apply(OrderFilled)
 * filled(event: OrderFilled) {
 *   this.remaining -= event.volume;
 * }
 * ```
 */
export function Apply(eventClass: EventClass): MethodDecorator {
  if (typeof eventClass !== 'function') {
    throw new InvalidArgumentError('@Apply event class', 'pass the event class, e.g. @Apply(OrderPlaced).');
  }
  return (prototype, method) => {
    const aggregateClass = prototype.constructor;
    const own = new Map<Function, string | symbol>(Reflect.getOwnMetadata(APPLY_HANDLERS, aggregateClass) ?? []);
    const taken = own.get(eventClass);
    if (taken !== undefined) {
      throw new InvalidArgumentError(
        `@Apply(${eventClass.name}) on ${aggregateClass.name}.${String(method)}`,
        `${aggregateClass.name}.${String(taken)} already applies ${eventClass.name}; an event has one apply method.`,
      );
    }
    own.set(eventClass, method);
    Reflect.defineMetadata(APPLY_HANDLERS, own, aggregateClass);
  };
}

/**
 * The apply methods of an aggregate class, including those it inherits (a subclass's own method
 * wins for the same event).
 */
export function readApplyHandlers(aggregateClass: Function): ApplyHandlers {
  const chain: Function[] = [];
  for (let current: unknown = aggregateClass; typeof current === 'function' && current !== Function.prototype; current = Object.getPrototypeOf(current)) {
    chain.unshift(current as Function);
  }
  const handlers = new Map<Function, string | symbol>();
  for (const cls of chain) {
    const own = Reflect.getOwnMetadata(APPLY_HANDLERS, cls) as Map<Function, string | symbol> | undefined;
    own?.forEach((method, eventClass) => handlers.set(eventClass, method));
  }
  return handlers;
}
