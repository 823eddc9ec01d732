import { v7 as uuidv7, validate as isUuid } from 'uuid';
import { isEventfoldError } from '../errors/eventfold-error';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventMetadata } from '../events/event-metadata';
import type { EventRegistry } from '../events/event-registry';
import type { PayloadCodec } from '../events/payload-codec';
import { encodeMetadata } from '../events/encode-metadata';
import { isNewEvent, type NewEvent } from './new-event';

function encodeOrExplain(codec: PayloadCodec, event: object, index: number): string {
  const argument = `events[${index}]`;
  try {
    return codec.encode(event, argument);
  } catch (cause) {
    // The codec names the path of a value it refuses; anything else (a getter or a toJSON that
    // threw) is reported as the event's.
    if (isEventfoldError(cause)) throw cause;
    throw new InvalidArgumentError(
      argument,
      `${event.constructor.name} cannot be serialized to JSON (${(cause as Error).message}). ` +
        'Convert such fields with class-transformer, e.g. @Transform for a bigint or @Exclude for a handle that is not data.',
    );
  }
}

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
export function prepareEvents(registry: EventRegistry, events: ReadonlyArray<object | NewEvent>, batchMetadata: EventMetadata | undefined): PreparedEvent[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidArgumentError('events', 'expected a non-empty array of events to append.');
  }
  const batchMetadataText = encodeMetadata(batchMetadata, 'options.metadata');
  const seenIds = new Set<string>();
  return events.map((item, index) => {
    const envelope = isNewEvent(item) ? item : undefined;
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
      payload: encodeOrExplain(codec, event, index),
      metadataText,
      event,
      metadata,
    };
  });
}
