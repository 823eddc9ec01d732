import type { Colors } from 'picocolors/types.js';
import type { JsonValue } from '../../events/event-metadata';
import { jsonText, toJsonValue } from '../../inspection/json-text';
import type { LogEntry } from '../../inspection/follow-log';

/** Where an entry is stored, whether it could be decoded or not. */
export function entryStreamType(entry: LogEntry): string {
  return entry.kind === 'event' ? entry.recorded.streamType : entry.error.streamType;
}

/**
 * One line per event: position, time, stream and version, type and payload.
 *
 * @example
 * ```text
 * #42  2026-01-01T09:00:00.000Z  Order o-1 v3  OrderFilled  {"volume":1}
 * ```
 */
export function formatLogEntry(entry: LogEntry, colors: Colors): string {
  if (entry.kind === 'undecodable') {
    const { error } = entry;
    const where = `${error.streamType} ${error.streamId} v${error.streamVersion}`;
    return `${colors.dim(`#${error.position}`)}  ${' '.repeat(24)}  ${where}  ${colors.cyan(error.type)}  ${colors.red(`(cannot decode: ${error.message})`)}`;
  }
  const { recorded } = entry;
  const where = `${recorded.streamType} ${recorded.streamId} v${recorded.streamVersion}`;
  return `${colors.dim(`#${recorded.position}`)}  ${colors.dim(recorded.recordedAt.toISOString())}  ${where}  ${colors.cyan(recorded.type)}  ${jsonText(toJsonValue(recorded.event))}`;
}

/** One JSON object per event, for `--json`. */
export function logEntryJson(entry: LogEntry): Record<string, JsonValue> {
  if (entry.kind === 'undecodable') {
    const { error } = entry;
    return {
      position: error.position,
      streamType: error.streamType,
      streamId: error.streamId,
      streamVersion: error.streamVersion,
      type: error.type,
      error: { code: error.code, message: error.message },
    };
  }
  const { recorded } = entry;
  return {
    position: recorded.position,
    eventId: recorded.eventId,
    streamType: recorded.streamType,
    streamId: recorded.streamId,
    streamVersion: recorded.streamVersion,
    type: recorded.type,
    recordedAt: recorded.recordedAt.toISOString(),
    payload: toJsonValue(recorded.event),
    metadata: toJsonValue(recorded.metadata),
  };
}
