import type { AggregateRoot } from './aggregate-root';

/** A class decorated with `@Aggregate` that extends {@link AggregateRoot} and takes its id first. */
export type AggregateClass<T extends AggregateRoot = AggregateRoot> = new (id: string) => T;
