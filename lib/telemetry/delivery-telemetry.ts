import { ROOT_CONTEXT, SpanKind, trace, type Attributes, type Link, type Tracer } from '@opentelemetry/api';
import type { RecordedEvent } from '../store/recorded-event';
import type { EventfoldInstruments } from './eventfold-instruments';
import { runInSpan } from './in-span';
import type { StoreTelemetry } from './store-telemetry';
import { ATTRIBUTE, SPAN } from './telemetry-names';
import { traceContextOf } from './trace-context-metadata';

/** A subscriber's method as the runner calls it. */
type Handler<C> = (event: object, context: C) => unknown;

/**
 * The telemetry of one subscriber's deliveries: an `eventfold.deliver` span per attempt at an
 * event, a child of the span that appended the event (from its metadata) and active while the
 * subscriber's method runs, so that what the method appends continues the trace; and the
 * delivery, retry and dead-letter counts. Attributes of the measurements are made once here, so
 * that a delivery allocates nothing for them.
 */
export class DeliveryTelemetry {
  private readonly subscriberAttributes: Attributes;
  private readonly succeeded: Attributes;
  private readonly failed: Attributes;

  constructor(
    private readonly telemetry: StoreTelemetry,
    subscriber: string,
    kind: string,
  ) {
    this.subscriberAttributes = { [ATTRIBUTE.subscriber]: subscriber, [ATTRIBUTE.subscriberKind]: kind };
    this.succeeded = { ...this.subscriberAttributes, [ATTRIBUTE.outcome]: 'success' };
    this.failed = { ...this.subscriberAttributes, [ATTRIBUTE.outcome]: 'failure' };
  }

  /** One attempt at handing `recorded` to `handler`; throws what the handler threw. */
  async deliver<C>(recorded: RecordedEvent, attempt: number, handler: Handler<C>, handlerContext: C): Promise<void> {
    const tracer = this.telemetry.tracer();
    const instruments = this.telemetry.instruments();
    if (tracer === undefined && instruments === undefined) {
      await handler(recorded.event, handlerContext);
      return;
    }
    await this.measured(instruments, 1, async () => {
      if (tracer === undefined) await handler(recorded.event, handlerContext);
      else await this.traced(tracer, recorded, attempt, handler, handlerContext);
    });
  }

  /**
   * One attempt at a fold projection's batch, applied by one call: one span for the batch, linked
   * to the trace of each of its events (a batch has no single parent).
   */
  async deliverBatch(batch: readonly RecordedEvent[], attempt: number, apply: () => Promise<void>): Promise<void> {
    const tracer = this.telemetry.tracer();
    const instruments = this.telemetry.instruments();
    if (tracer === undefined && instruments === undefined) return apply();
    await this.measured(instruments, batch.length, () => (tracer === undefined ? apply() : this.tracedBatch(tracer, batch, attempt, apply)));
  }

  /** A failed attempt is to be tried again. */
  retrying(): void {
    this.telemetry.instruments()?.retries.add(1, this.subscriberAttributes);
  }

  /** An event was given up on and dead-lettered. */
  deadLettered(): void {
    this.telemetry.instruments()?.deadLetters.add(1, this.subscriberAttributes);
  }

  private async traced<C>(tracer: Tracer, recorded: RecordedEvent, attempt: number, handler: Handler<C>, handlerContext: C): Promise<void> {
    // An event appended outside any trace starts one of its own, rather than joining whatever
    // happened to be active when the runner took it (the append that woke the dispatcher, say).
    const parent = traceContextOf(recorded.metadata) ?? ROOT_CONTEXT;
    const span = tracer.startSpan(SPAN.deliver, { kind: SpanKind.CONSUMER }, parent);
    if (span.isRecording()) {
      span.setAttributes({
        ...this.subscriberAttributes,
        [ATTRIBUTE.eventType]: recorded.type,
        [ATTRIBUTE.eventId]: recorded.eventId,
        [ATTRIBUTE.position]: recorded.position,
        [ATTRIBUTE.streamType]: recorded.streamType,
        [ATTRIBUTE.streamId]: recorded.streamId,
        [ATTRIBUTE.attempt]: attempt,
      });
    }
    await runInSpan(span, parent, async () => {
      await handler(recorded.event, handlerContext);
    });
  }

  private async tracedBatch(tracer: Tracer, batch: readonly RecordedEvent[], attempt: number, apply: () => Promise<void>): Promise<void> {
    const links: Link[] = [];
    for (const recorded of batch) {
      const linked = traceContextOf(recorded.metadata);
      if (linked) links.push({ context: trace.getSpanContext(linked)! });
    }
    const first = batch[0];
    const last = batch.at(-1);
    const attributes: Attributes = {
      ...this.subscriberAttributes,
      [ATTRIBUTE.batchSize]: batch.length,
      [ATTRIBUTE.attempt]: attempt,
      ...(first && last ? { [ATTRIBUTE.firstPosition]: first.position, [ATTRIBUTE.lastPosition]: last.position } : {}),
    };
    const span = tracer.startSpan(SPAN.deliver, { kind: SpanKind.CONSUMER, links, attributes }, ROOT_CONTEXT);
    await runInSpan(span, ROOT_CONTEXT, apply);
  }

  /** Runs one attempt, counting `count` deliveries by their outcome and timing them. */
  private async measured(instruments: EventfoldInstruments | undefined, count: number, attempt: () => Promise<void>): Promise<void> {
    const started = performance.now();
    const measure = (attributes: Attributes) => {
      if (instruments === undefined) return;
      instruments.deliveries.add(count, attributes);
      instruments.deliveryDuration.record(performance.now() - started, attributes);
    };
    try {
      await attempt();
    } catch (error) {
      measure(this.failed);
      throw error;
    }
    measure(this.succeeded);
  }
}
