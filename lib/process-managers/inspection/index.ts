export type { InstanceDeadline, ProcessInstance } from './process-instance';
export { processInstances, type ProcessInstancesOptions } from './process-instances';
export { processManagerSummaries, type ProcessManagerSummariesOptions, type ProcessManagerSummary } from './process-manager-summaries';
