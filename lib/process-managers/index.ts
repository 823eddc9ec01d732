export type { CorrelationKey, EndedInstances, ProcessManagerOptions } from './process-manager-options';
export { DEFAULT_PROCESS_BATCH_SIZE } from './process-manager-options';
export { OnDeadline, ProcessManager } from './process-manager.decorators';
export { ProcessContext, type FiredDeadline } from './process-context';
export type { ProcessStore } from './process-store';
export type { DeadlineTime } from './deadline-time';
export type { DeadlineStats } from './deadlines/deadline-stats';
export { DeadlineFailedError, DeadlineTimeoutError } from './deadlines/deadline-errors';
export { CorrelationKeyError, ProcessManagerReplayError, UnknownDeadlineError } from './process-manager-errors';
