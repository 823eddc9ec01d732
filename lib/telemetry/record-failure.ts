import { SpanStatusCode, type Span } from '@opentelemetry/api';

/** Marks `span` failed with `error`: its status, and the exception as a span event. */
export function recordFailure(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const exception = error instanceof Error ? error : String(error);
  span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
