export type { DeadLetter } from './dead-letter-store';
export { Dispatcher } from './dispatcher';
export type { DispatcherOptions } from './dispatcher-options';
export type { ShutdownSignal } from './shutdown/shutdown-signals';
export type { SubscriberLogger } from './logging/subscriber-logger';
export type { RebuildOptions, RebuildProgress } from './projection-rebuild';
export type { RetryOptions, RetryPolicy } from './retry-policy';
export type { HandlerContext, ProjectionContext } from './subscriber-context';
export {
  DispatcherStoppedError,
  DuplicateSubscriberError,
  HandlerTimeoutError,
  PositionNotReachedError,
  RebuildFailedError,
  RebuildNotSupportedError,
  SegmentsChangedError,
  SubscribersNotLiveError,
  UnfinishedAttemptsError,
  UnknownSubscriberError,
  UnregisteredSubscriberError,
  type LaggingSubscriber,
} from './subscriber-errors';
export { DEFAULT_PROJECTION_BATCH_SIZE, type EventHandlerOptions, type FailureMode, type ProjectionOptions, type SubscriberOptions } from './subscriber-options';
export type { RunnerState, SubscriberStats } from './subscriber-stats';
export { EventHandler, On, Projection, readSubscriberMetadata, type SubscriberKind, type SubscriberMetadata } from './subscriber.decorators';
export { InlineProjectionError } from './inline/inline-projection-error';
export { DeadLetterNotFoundError } from './operations/dead-letter-not-found-error';
export { SubscriberBusyError } from './operations/subscriber-busy-error';
export { ProjectionResetError } from './operations/projection-reset-error';
export type { CheckpointMove, SubscriberReset } from './operations/subscriber-reset';
export { SubscriberOperations, type InspectedDeadLetter, type SubscriberOperationsOptions } from './operations/subscriber-operations';
export type { SubscriberCrash, SubscriberStatusEntry, SubscriberStatusReport } from './operations/subscriber-status-report';
export type { SubscriberStatus } from './subscription-store';
export type { StartPosition } from './start-position';
export type { WaitForOptions } from './wait-for-position';
