import { context, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { recordFailure } from './record-failure';

/**
 * Runs `work` in an active span named `name`, a child of the active context, or just runs it when
 * there is no tracer. The span fails with whatever `work` throws. `attributes` is only called when
 * the span records.
 */
export async function inSpan<T>(tracer: Tracer | undefined, name: string, attributes: () => Attributes, work: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (tracer === undefined) return work(undefined);
  const span = tracer.startSpan(name);
  if (span.isRecording()) span.setAttributes(attributes());
  return runInSpan(span, context.active(), () => work(span));
}

/**
 * Runs `work` with `span` active on top of `parent`, then ends the span: failed with whatever
 * `work` throws, which is thrown on.
 */
export async function runInSpan<T>(span: Span, parent: Context, work: () => Promise<T>): Promise<T> {
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}
