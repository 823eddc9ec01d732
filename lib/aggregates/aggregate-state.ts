import { instanceToPlain, plainToClassFromExist } from 'class-transformer';
import { parseJsonSafely } from '../events/safe-json';
import type { AggregateClass } from './aggregate-class';
import { restoreVersion, type AggregateRoot } from './aggregate-root';

/** Serializes an aggregate's fields (its state, not its id, version or pending events). */
export function captureState(aggregate: AggregateRoot): string {
  return JSON.stringify(instanceToPlain(aggregate));
}

/** Builds an aggregate at `version` from state captured by {@link captureState}. */
export function restoreState<T extends AggregateRoot>(aggregateClass: AggregateClass<T>, id: string, version: number, state: string): T {
  const aggregate = plainToClassFromExist(new aggregateClass(id), parseJsonSafely(state) as object);
  aggregate[restoreVersion](version);
  return aggregate;
}

/** A deep copy of an aggregate's state, detached from the original. */
export function copyAggregate<T extends AggregateRoot>(aggregate: T): T {
  return restoreState(aggregate.constructor as AggregateClass<T>, aggregate.id, aggregate.version, captureState(aggregate));
}
