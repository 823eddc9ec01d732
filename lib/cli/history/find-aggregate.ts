import type { AggregateClass } from '../../aggregates/aggregate-class';
import { readAggregateDefinition } from '../../aggregates/aggregate.decorator';
import type { EventfoldConfig } from '../define-config';
import { UnknownAggregateError } from './history-errors';

/**
 * The config's aggregate class with the `@Aggregate` name `name`; a name that differs only in
 * case is accepted when it matches one aggregate.
 *
 * @throws {@link UnknownAggregateError} listing the known names.
 */
export function findAggregate(config: EventfoldConfig, name: string): AggregateClass {
  const aggregates = (config.aggregates ?? []).map((aggregateClass) => ({ aggregateClass, name: readAggregateDefinition(aggregateClass).name }));
  const exact = aggregates.find((aggregate) => aggregate.name === name);
  if (exact) return exact.aggregateClass;
  const loose = aggregates.filter((aggregate) => aggregate.name.toLowerCase() === name.toLowerCase());
  const [only, ...others] = loose;
  if (only && others.length === 0) return only.aggregateClass;
  throw new UnknownAggregateError(name, aggregates.map((aggregate) => aggregate.name).sort());
}
