import 'reflect-metadata';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { AggregateClass } from './aggregate-class';
import { UnregisteredAggregateError } from './unregistered-aggregate-error';

const AGGREGATE_DEFINITION = Symbol.for('eventfold:aggregate-definition');

/** Options of {@link Aggregate}. */
export interface AggregateOptions {
  /**
   * Store a snapshot of the state every this many events, so that loading replays at most this
   * many. Leave out for no snapshots.
   */
  snapshotEvery?: number;
  /**
   * Version of the snapshot's shape. Raise it whenever the aggregate's fields change meaning:
   * snapshots of another version are ignored (and replaced), never trusted. Defaults to 1.
   */
  snapshotVersion?: number;
}

/** What {@link Aggregate} records about a class. */
export interface AggregateDefinition {
  /** Stream type of the aggregate's streams, e.g. `'Order'`. */
  readonly name: string;
  readonly snapshotEvery: number | undefined;
  readonly snapshotVersion: number;
}

/**
 * Declares an aggregate: its stream type name and snapshot policy. The class must extend
 * {@link AggregateRoot} and take its id as the first constructor argument.
 *
 * @example
 * ```ts
 * @Aggregate('Order', { snapshotEvery: 100 })
 * class Order extends AggregateRoot {
 *   status = 'new';
 *   @Apply(OrderPlaced) placed() { this.status = 'open'; }
 * }
 * ```
 */
export function Aggregate(name: string, options: AggregateOptions = {}): ClassDecorator {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InvalidArgumentError('aggregate name', "give @Aggregate a non-empty name, e.g. @Aggregate('Order').");
  }
  const { snapshotEvery, snapshotVersion = 1 } = options;
  if (snapshotEvery !== undefined && (!Number.isInteger(snapshotEvery) || snapshotEvery < 1)) {
    throw new InvalidArgumentError(`snapshotEvery of aggregate '${name}'`, `expected a positive integer, got ${String(snapshotEvery)}.`);
  }
  if (!Number.isInteger(snapshotVersion) || snapshotVersion < 1) {
    throw new InvalidArgumentError(`snapshotVersion of aggregate '${name}'`, `expected a positive integer, got ${String(snapshotVersion)}.`);
  }
  const definition: AggregateDefinition = Object.freeze({ name, snapshotEvery, snapshotVersion });
  return (target) => Reflect.defineMetadata(AGGREGATE_DEFINITION, definition, target);
}

/**
 * Reads what {@link Aggregate} recorded on a class; throws {@link UnregisteredAggregateError} if
 * the class is not decorated.
 */
export function readAggregateDefinition(aggregateClass: AggregateClass): AggregateDefinition {
  const definition =
    typeof aggregateClass === 'function'
      ? (Reflect.getOwnMetadata(AGGREGATE_DEFINITION, aggregateClass) as AggregateDefinition | undefined)
      : undefined;
  if (!definition) throw new UnregisteredAggregateError(aggregateClass?.name || String(aggregateClass));
  return definition;
}
