import 'reflect-metadata';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { readInheritedMap } from '../metadata/event-method-map';
import { subscriberDecorator } from '../subscriptions/subscriber.decorators';
import type { ProcessManagerOptions } from './process-manager-options';

const DEADLINE_HANDLERS = Symbol.for('eventfold:deadline-handlers');

/**
 * Declares a class as a process manager: a long-running business process with one instance per
 * correlation key (an order id, a market). Its `@On` methods receive events and its
 * `@OnDeadline` methods the deadlines it scheduled; each call gets a {@link ProcessContext} to
 * read and change the instance's state, save aggregates, publish events, schedule or cancel
 * deadlines, and end the instance. All of a step's effects commit in one transaction with the
 * process manager's checkpoint, so each event is acted on exactly once, whatever crashes.
 *
 * Run it with a dispatcher like any subscriber: `Dispatcher.start(store, [new OrderExpiry()])`.
 *
 * @example
 * ```ts
 * interface Expiry { market: string }
 *
 * @ProcessManager('order-expiry', { correlationKey: 'orderId' })
 * class OrderExpiry {
 *   @On(OrderPlaced)
 *   placed(event: OrderPlaced, process: ProcessContext<Expiry>) {
 *     process.state = { market: event.market };
 *     process.schedule('expire', { afterMs: 30_000 });
 *   }
 *
 *   @On(OrderFilled)
 *   filled(_event: OrderFilled, process: ProcessContext<Expiry>) {
 *     process.end();
 *   }
 *
 *   @OnDeadline('expire')
 *   async expire(_payload: unknown, process: ProcessContext<Expiry>) {
 *     await process.store.repository(Order).update(process.key, (order) => order.cancel());
 *     process.end();
 *   }
 * }
 * ```
 */
export function ProcessManager(name: string, options: ProcessManagerOptions = {}): ClassDecorator {
  return subscriberDecorator('process-manager', name, options);
}

/**
 * Marks a method of a `@ProcessManager` class as the one that receives the deadline `name` when it
 * falls due. It is called with the payload given to `schedule` and a {@link ProcessContext} of the
 * instance that scheduled it, in a transaction that also removes the deadline.
 */
export function OnDeadline(name: string): MethodDecorator {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InvalidArgumentError('@OnDeadline name', "give the deadline's name, as schedule() names it, e.g. @OnDeadline('expire').");
  }
  return (prototype, method) => {
    const owner = prototype.constructor;
    const own = new Map<string, string | symbol>(Reflect.getOwnMetadata(DEADLINE_HANDLERS, owner) ?? []);
    const taken = own.get(name);
    if (taken !== undefined) {
      throw new InvalidArgumentError(
        `@OnDeadline('${name}') on ${owner.name}.${String(method)}`,
        `${owner.name}.${String(taken)} already receives it; give each deadline one method.`,
      );
    }
    own.set(name, method);
    Reflect.defineMetadata(DEADLINE_HANDLERS, own, owner);
  };
}

/** The `@OnDeadline` methods of a class and its ancestors, by deadline name; a subclass's own wins. */
export function readDeadlineHandlers(processClass: Function): ReadonlyMap<string, string | symbol> {
  return readInheritedMap<string, string | symbol>(DEADLINE_HANDLERS, processClass);
}
