import { v7 as uuidv7, validate as isUuid } from 'uuid';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventMetadata } from '../events/event-metadata';
import type { EventRegistry } from '../events/event-registry';
import { encodeMetadata } from '../events/encode-metadata';
import type { NewEvent } from './new-event';

/** An event ready to be stored: everything but its stream version and position. */
export interface PreparedEvent {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly payload: string;
  readonly metadataText: string;
  readonly event: object;
  readonly metadata: EventMetadata;
}

/**
 * Validates and serializes the events of one append before any database work, so that a bad
 * event fails the whole append and nothing is half-written.
 */
export function prepareEvents(
  registry: EventRegistry,
  events: ReadonlyArray<object | NewEvent>,
  batchMetadata: EventMetadata | undefined,
): PreparedEvent[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidArgumentError('events', 'expected a non-empty array of events to append.');
  }
  const batchMetadataText = encodeMetadata(batchMetadata, 'options.metadata');
  const seenIds = new Set<string>();
  return events.map((item, index) => {
    const envelope = isEnvelope(item) ? item : undefined;
    const event = envelope ? envelope.event : item;
    const { definition, codec } = registry.of(event);
    const id = envelope?.id ?? uuidv7();
    if (envelope?.id !== undefined && (typeof id !== 'string' || !isUuid(id))) {
      throw new InvalidArgumentError(`events[${index}].id`, `expected a UUID, got ${JSON.stringify(id)}.`);
    }
    if (seenIds.has(id)) throw new InvalidArgumentError(`events[${index}].id`, `the id ${id} appears twice in one append.`);
    seenIds.add(id);
    let metadata = batchMetadata ?? {};
    let metadataText = batchMetadataText;
    if (envelope?.metadata !== undefined) {
      metadataText = encodeMetadata(envelope.metadata, `events[${index}].metadata`);
      if (batchMetadata !== undefined) {
        metadata = { ...batchMetadata, ...envelope.metadata };
        metadataText = JSON.stringify(metadata);
      } else {
        metadata = envelope.metadata;
      }
    }
    return {
      id,
      type: definition.name,
      schemaVersion: definition.version,
      payload: codec.encode(event),
      metadataText,
      event,
      metadata,
    };
  });
}

/** A plain object with an `event` field is an envelope; registered events are class instances. */
function isEnvelope(item: object | NewEvent): item is NewEvent {
  return typeof item === 'object' && item !== null && Object.getPrototypeOf(item) === Object.prototype && 'event' in item;
}
