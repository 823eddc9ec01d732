import { createTraceState, isSpanContextValid, ROOT_CONTEXT, trace, type Context, type SpanContext } from '@opentelemetry/api';
import type { EventMetadata } from '../events/event-metadata';
import { isPlainObject } from '../store/plain-object';
import { TRACE_PARENT_FIELD, TRACE_STATE_FIELD } from './telemetry-names';

/** W3C trace context, version 00 (later versions keep these four fields first). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-|$)/;

/**
 * The append's metadata with the W3C trace context of `spanContext` added, for every event of the
 * append. Written from the span context itself rather than through a propagator, so that it works
 * whichever propagators the application registered (or none). A `traceparent` the caller set is
 * kept as it is, and so is metadata that is not a plain object (the append refuses it).
 */
export function withTraceContext(metadata: EventMetadata | undefined, spanContext: SpanContext): EventMetadata | undefined {
  if (!isSpanContextValid(spanContext)) return metadata;
  if (metadata !== undefined && (!isPlainObject(metadata) || metadata[TRACE_PARENT_FIELD] !== undefined)) return metadata;
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  const fields: EventMetadata = { [TRACE_PARENT_FIELD]: `00-${spanContext.traceId}-${spanContext.spanId}-${flags}` };
  const state = spanContext.traceState?.serialize();
  if (state) fields[TRACE_STATE_FIELD] = state;
  return { ...fields, ...metadata };
}

/**
 * The context an event was appended in, read back from its metadata, or `undefined` when it
 * carries none (or one that is not W3C trace context): a delivery of the event is a child of it.
 */
export function traceContextOf(metadata: EventMetadata): Context | undefined {
  const parent = metadata[TRACE_PARENT_FIELD];
  if (typeof parent !== 'string') return undefined;
  const match = TRACEPARENT.exec(parent);
  if (!match || match[1] === 'ff') return undefined;
  const state = metadata[TRACE_STATE_FIELD];
  const spanContext: SpanContext = {
    traceId: match[2]!,
    spanId: match[3]!,
    traceFlags: Number.parseInt(match[4]!, 16),
    isRemote: true,
    ...(typeof state === 'string' && state.length > 0 ? { traceState: createTraceState(state) } : {}),
  };
  return isSpanContextValid(spanContext) ? trace.setSpanContext(ROOT_CONTEXT, spanContext) : undefined;
}
