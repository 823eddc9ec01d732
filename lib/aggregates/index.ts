export { Aggregate, readAggregateDefinition, type AggregateDefinition, type AggregateOptions } from './aggregate.decorator';
export type { AggregateClass } from './aggregate-class';
export { AggregateNotFoundError } from './aggregate-not-found-error';
export { AggregateRoot } from './aggregate-root';
export { Apply, readApplyHandlers, type ApplyHandlers } from './apply.decorator';
export { MissingApplyHandlerError } from './missing-apply-handler-error';
export { Repository, type HistoryStep, type LoadOptions, type SaveOptions } from './repository';
export { UnregisteredAggregateError } from './unregistered-aggregate-error';
