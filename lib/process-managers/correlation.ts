import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { describeValue } from '../store/describe-value';
import type { RecordedEvent } from '../store/recorded-event';
import { CorrelationKeyError } from './process-manager-errors';
import type { CorrelationKey } from './process-manager-options';

/** Finds an event's instance key; undefined when the event passes the process manager by. */
export type KeyOf = (event: object, recorded: RecordedEvent) => string | undefined;

/** The key finder of a process manager's `correlationKey` option. */
export function keyFinderOf(processManager: string, option: CorrelationKey | undefined): KeyOf {
  if (option === undefined) return (_event, recorded) => recorded.streamId;
  if (typeof option === 'string' && option !== '') {
    return (event, recorded) => {
      const value = (event as Record<string, unknown>)[option];
      if (typeof value === 'string' && value !== '') return value;
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      throw new CorrelationKeyError(processManager, recorded.type, `its field '${option}' is ${describeValue(value)}, not a non-empty string.`);
    };
  }
  if (typeof option === 'function') {
    return (event, recorded) => {
      const value: unknown = option(event, recorded);
      if (value === undefined || (typeof value === 'string' && value !== '')) return value;
      throw new CorrelationKeyError(processManager, recorded.type, `correlationKey returned ${describeValue(value)}, not a non-empty string or undefined.`);
    };
  }
  throw new InvalidArgumentError(
    `correlationKey of process manager '${processManager}'`,
    `expected the name of a field of its events or a function (event) => key, got ${describeValue(option)}.`,
  );
}
