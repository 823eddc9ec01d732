import { type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { recordFailure } from './record-failure';

/**
 * Runs `work` in an active span named `name`, or just runs it when there is no tracer. The span
 * fails with whatever `work` throws. `attributes` is only called when the span records.
 */
export async function inSpan<T>(tracer: Tracer | undefined, name: string, attributes: () => Attributes, work: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (tracer === undefined) return work(undefined);
  return tracer.startActiveSpan(name, async (span) => {
    if (span.isRecording()) span.setAttributes(attributes());
    try {
      return await work(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}
