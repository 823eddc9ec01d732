import type { AggregateRoot } from './aggregate-root';

/**
 * The decision of a command: takes the aggregate as it is now, checks the command against it and
 * calls its domain methods, which raise the events to store. It may be async, and what it returns
 * (or resolves to) is what `update` resolves to. It runs again on every retry, on a freshly loaded
 * aggregate, so it must not have effects outside the aggregate that cannot bear repeating.
 *
 * @example
 * ```ts
 * const ship: Decide<Order, string> = (order) => {
 *   order.ship('post');
 *   return order.status;
 * };
 * ```
 */
export type Decide<T extends AggregateRoot, R> = (aggregate: T) => R | PromiseLike<R>;
