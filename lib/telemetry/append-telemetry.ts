import type { Span } from '@opentelemetry/api';
import type { EventMetadata } from '../events/event-metadata';
import type { AppendResult } from '../store/new-event';
import type { StreamRef } from '../store/stream-ref';
import { inSpan } from './in-span';
import type { StoreTelemetry } from './store-telemetry';
import { ATTRIBUTE, SPAN } from './telemetry-names';
import { withTraceContext } from './trace-context-metadata';

/** One try at appending: given the metadata to store with the events (the trace context added). */
export type AppendWork = (metadata: EventMetadata | undefined) => Promise<AppendResult>;

/**
 * Runs an append in an `eventfold.append` span, writing the span's trace context into the events'
 * metadata so that their deliveries continue the trace, and counts what it appended. Without a
 * tracer it runs the append as it is.
 */
export async function tracedAppend(
  telemetry: StoreTelemetry,
  stream: StreamRef,
  eventCount: number,
  metadata: EventMetadata | undefined,
  append: AppendWork,
): Promise<AppendResult> {
  const instruments = telemetry.instruments();
  const started = instruments ? performance.now() : 0;
  const result = await inSpan(
    telemetry.tracer(),
    SPAN.append,
    () => ({ [ATTRIBUTE.dbSystem]: telemetry.dbSystem, [ATTRIBUTE.streamType]: stream.type, [ATTRIBUTE.streamId]: stream.id, [ATTRIBUTE.eventCount]: eventCount }),
    async (span) => {
      const appended = await append(span ? withTraceContext(metadata, span.spanContext()) : metadata);
      if (span?.isRecording()) describeAppended(span, appended);
      return appended;
    },
  );
  if (instruments && !result.alreadyStored) {
    const attributes = { [ATTRIBUTE.streamType]: stream.type };
    instruments.eventsAppended.add(result.events.length, attributes);
    instruments.appendDuration.record(performance.now() - started, attributes);
  }
  return result;
}

function describeAppended(span: Span, result: AppendResult): void {
  const { events } = result;
  span.setAttributes({
    [ATTRIBUTE.eventTypes]: [...new Set(events.map((event) => event.type))],
    [ATTRIBUTE.firstPosition]: events[0]?.position ?? 0,
    [ATTRIBUTE.lastPosition]: events.at(-1)?.position ?? 0,
    [ATTRIBUTE.alreadyStored]: result.alreadyStored,
  });
}
