export { TELEMETRY_NAME, TRACE_PARENT_FIELD, TRACE_STATE_FIELD } from './telemetry-names';
