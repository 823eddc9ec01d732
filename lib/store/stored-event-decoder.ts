import { decodePayload } from '../events/event-codec';
import type { EventMetadata } from '../events/event-metadata';
import type { EventRegistry } from '../events/event-registry';
import { parseJsonSafely } from '../events/safe-json';
import { CorruptEventError, UndecodableEventError, type StoredEventLocation } from '../events/undecodable-event-error';
import type { HiddenStreams } from './lifecycle/archived-streams';
import { DELETED_STREAM_VERSION } from './lifecycle/deleted-stream-version';
import type { UndecodableHandling } from './read-events';
import type { RecordedEvent } from './recorded-event';
import type { StoredEventTuple } from './stored-event-tuple';

/** Metadata that was stored without fields: most events carry none. */
const EMPTY_METADATA_TEXT = '{}';

/**
 * Turns the rows of one read into {@link RecordedEvent}s, handling the events it cannot decode
 * as the reader asked. One decoder serves one read, from its first row to its last.
 */
export class StoredEventDecoder {
  /** The last `recorded_at` parsed, and its time: see {@link StoredEventDecoder.recordedAtOf}. */
  private lastRecordedAt: unknown;
  private lastRecordedAtTime = Number.NaN;
  /** The streams whose rows this read skips, once known: see {@link StoredEventDecoder.hide}. */
  private hidden: HiddenStreams | undefined;
  private onHidden: ((row: StoredEventTuple) => void) | undefined;

  constructor(
    private readonly registry: EventRegistry,
    private readonly onUndecodable: UndecodableHandling,
  ) {}

  /**
   * Skips from now on the rows of `hidden` streams (archived ones), telling `onHidden` of each.
   * A read that skips nothing keeps no set, so that its rows are not looked up one by one.
   */
  hide(hidden: HiddenStreams, onHidden: ((row: StoredEventTuple) => void) | undefined): void {
    this.hidden = hidden.isEmpty ? undefined : hidden;
    this.onHidden = onHidden;
  }

  /**
   * The recorded event of `row`, or undefined when it cannot be decoded and the reader skips such
   * events, or when its stream is hidden.
   */
  decode(row: StoredEventTuple): RecordedEvent | undefined {
    // A tombstone is never hidden: the set of archived streams may have been read before the
    // stream was deleted, and a subscriber that passed over it would keep what was erased.
    if (this.hidden?.has(row[2], row[3]) && Number(row[4]) !== DELETED_STREAM_VERSION) {
      this.onHidden?.(row);
      return undefined;
    }
    try {
      return this.decodeOrThrow(row);
    } catch (error) {
      if (!(error instanceof UndecodableEventError) || this.onUndecodable === 'throw') throw error;
      if (typeof this.onUndecodable === 'function') this.onUndecodable(error);
      return undefined;
    }
  }

  private decodeOrThrow(row: StoredEventTuple): RecordedEvent {
    const [storedPosition, eventId, streamType, streamId, storedVersion, type, storedSchemaVersion, payload, metadata, recordedAt] = row;
    // PostgreSQL returns bigint columns as strings.
    const location = {
      position: Number(storedPosition),
      type,
      streamType,
      streamId,
      streamVersion: Number(storedVersion),
      eventId,
      recordedAt: this.recordedAtOf(recordedAt),
    };
    const schemaVersion = Number(storedSchemaVersion);
    const event = decodePayload(this.registry, location, schemaVersion, payload);
    return {
      position: location.position,
      eventId,
      streamType,
      streamId,
      streamVersion: location.streamVersion,
      type,
      schemaVersion,
      event,
      metadata: decodeMetadata(metadata, location),
      recordedAt: location.recordedAt,
    };
  }

  /**
   * A fresh Date for each event, since a Date can be changed by whoever holds it; but the events
   * of one append share one `recorded_at`, and parsing the text was most of what making the Date
   * cost, so consecutive equal texts are parsed once.
   */
  private recordedAtOf(stored: string | Date): Date {
    if (stored !== this.lastRecordedAt) {
      this.lastRecordedAtTime = new Date(stored).getTime();
      this.lastRecordedAt = stored;
    }
    return new Date(this.lastRecordedAtTime);
  }
}

function decodeMetadata(text: string, location: StoredEventLocation): EventMetadata {
  // What JSON.parse would return, a fresh empty object, without running the parser.
  if (text === EMPTY_METADATA_TEXT) return {};
  let metadata: unknown;
  try {
    metadata = parseJsonSafely(text);
  } catch (cause) {
    throw new CorruptEventError(location, `its metadata is not valid JSON (${(cause as Error).message}).`, { cause });
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new CorruptEventError(location, 'its metadata is not a JSON object.');
  }
  return metadata as EventMetadata;
}
