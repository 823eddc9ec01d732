import 'reflect-metadata';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { MAX_STREAM_VERSION } from '../store/expected-version';
import { optionsObject } from '../store/options-object';
import { checkWholeNumber } from '../validation/whole-number';
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
export function Aggregate(name: string, options?: AggregateOptions): ClassDecorator {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InvalidArgumentError('aggregate name', "give @Aggregate a non-empty name, e.g. @Aggregate('Order').");
  }
  const { snapshotEvery, snapshotVersion = 1 } = optionsObject(options, `options of aggregate '${name}'`);
  // Both end up in 32-bit columns (a snapshot's stream version, its snapshot version), so a
  // larger number would fail only when the first snapshot is written.
  if (snapshotEvery !== undefined) checkWholeNumber(snapshotEvery, `snapshotEvery of aggregate '${name}'`, { max: MAX_STREAM_VERSION });
  checkWholeNumber(snapshotVersion, `snapshotVersion of aggregate '${name}'`, { max: MAX_STREAM_VERSION });
  const definition: AggregateDefinition = Object.freeze({ name, snapshotEvery, snapshotVersion });
  return (target) => Reflect.defineMetadata(AGGREGATE_DEFINITION, definition, target);
}

/**
 * Reads what {@link Aggregate} recorded on a class; throws {@link UnregisteredAggregateError} if
 * the class is not decorated.
 */
export function readAggregateDefinition(aggregateClass: AggregateClass): AggregateDefinition {
  const definition = findAggregateDefinition(aggregateClass);
  if (!definition) throw new UnregisteredAggregateError(aggregateClass?.name || String(aggregateClass));
  return definition;
}

/**
 * What {@link Aggregate} recorded on a class, or `undefined` if the class is not decorated.
 *
 * @example
 * ```ts
 * const streamType = findAggregateDefinition(aggregate.constructor)?.name ?? aggregate.constructor.name;
 * ```
 */
export function findAggregateDefinition(aggregateClass: unknown): AggregateDefinition | undefined {
  if (typeof aggregateClass !== 'function') return undefined;
  return Reflect.getOwnMetadata(AGGREGATE_DEFINITION, aggregateClass) as AggregateDefinition | undefined;
}
