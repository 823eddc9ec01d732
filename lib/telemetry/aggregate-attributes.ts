import type { Attributes, Span } from '@opentelemetry/api';
import type { StreamRef } from '../store/stream-ref';
import { ATTRIBUTE } from './telemetry-names';

/** The attributes naming the aggregate of a repository's span. */
export function aggregateAttributes(stream: StreamRef): Attributes {
  return { [ATTRIBUTE.aggregateType]: stream.type, [ATTRIBUTE.aggregateId]: stream.id };
}

/** What a load found: the version reached, the events replayed, and the snapshot it began from. */
export function describeLoaded(span: Span, version: number, eventsReplayed: number, snapshotVersion: number | undefined): void {
  span.setAttributes({
    [ATTRIBUTE.aggregateVersion]: version,
    [ATTRIBUTE.eventsReplayed]: eventsReplayed,
    ...(snapshotVersion === undefined ? {} : { [ATTRIBUTE.snapshotVersion]: snapshotVersion }),
  });
}
