import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventClass } from '../events/event-class';
import { readEventMethods, recordEventMethod, type EventMethodMap } from '../metadata/event-method-map';

const APPLY_HANDLERS = Symbol.for('eventfold:apply-handlers');

/** Apply methods of one aggregate class, by event class. */
export type ApplyHandlers = EventMethodMap;

/**
 * Marks a method as the one that changes the aggregate's state when `eventClass` happens. It
 * runs when the aggregate raises the event and again for every replay, so it must only change
 * state: no I/O, no clock, no random numbers, no throwing for business rules.
 *
 * @example
 * ```ts
 * @Aggregate('Order')
 * class Order extends AggregateRoot {
 *   remaining = 0;
 *
 *   @Apply(OrderFilled)
 *   protected filled(event: OrderFilled) {
 *     this.remaining -= event.volume;
 *   }
 * }
 * ```
 */
export function Apply(eventClass: EventClass): MethodDecorator {
  if (typeof eventClass !== 'function') {
    throw new InvalidArgumentError('@Apply event class', 'pass the event class, e.g. @Apply(OrderPlaced).');
  }
  return (prototype, method) => recordEventMethod(APPLY_HANDLERS, 'Apply', prototype, method, eventClass);
}

/**
 * The apply methods of an aggregate class, including those it inherits (a subclass's own method
 * wins for the same event).
 */
export function readApplyHandlers(aggregateClass: Function): ApplyHandlers {
  return readEventMethods(APPLY_HANDLERS, aggregateClass);
}
