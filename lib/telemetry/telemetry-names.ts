/**
 * The name eventfold gives its OpenTelemetry tracer and meter: filter on it to keep or drop
 * eventfold's spans and metrics.
 *
 * @example
 * ```ts
 * console.log(`spans and metrics of eventfold come from the tracer and meter named ${TELEMETRY_NAME}`);
 * ```
 */
export const TELEMETRY_NAME = 'eventfold';

/**
 * The version reported with the tracer and meter: the package's. A spec keeps it equal to the
 * version in package.json, which is not read at run time (the file's place differs between the
 * builds).
 */
export const TELEMETRY_VERSION = '0.1.0';

/**
 * The event metadata field holding the W3C `traceparent` of the span that appended the event,
 * written when the append runs inside a sampled or unsampled trace (never without an
 * OpenTelemetry SDK). A delivery of the event continues that trace.
 *
 * @example
 * ```ts
 * for await (const recorded of store.readStream(stream)) {
 *   console.log(recorded.metadata[TRACE_PARENT_FIELD]); // '00-<trace id>-<span id>-01', or undefined
 * }
 * ```
 */
export const TRACE_PARENT_FIELD = 'traceparent';

/**
 * The event metadata field holding the W3C `tracestate` that went with {@link TRACE_PARENT_FIELD},
 * when the trace has one.
 *
 * @example
 * ```ts
 * for await (const recorded of store.readStream(stream)) console.log(recorded.metadata[TRACE_STATE_FIELD]);
 * ```
 */
export const TRACE_STATE_FIELD = 'tracestate';

/** Span names. */
export const SPAN = {
  append: 'eventfold.append',
  load: 'eventfold.aggregate.load',
  save: 'eventfold.aggregate.save',
  deliver: 'eventfold.deliver',
} as const;

/** Attribute keys, in OpenTelemetry's dotted style. */
export const ATTRIBUTE = {
  dbSystem: 'db.system',
  streamType: 'eventfold.stream.type',
  streamId: 'eventfold.stream.id',
  eventCount: 'eventfold.event.count',
  eventTypes: 'eventfold.event.types',
  eventType: 'eventfold.event.type',
  eventId: 'eventfold.event.id',
  expectedVersion: 'eventfold.expected_version',
  firstPosition: 'eventfold.position.first',
  lastPosition: 'eventfold.position.last',
  position: 'eventfold.position',
  alreadyStored: 'eventfold.append.already_stored',
  aggregateType: 'eventfold.aggregate.type',
  aggregateId: 'eventfold.aggregate.id',
  aggregateVersion: 'eventfold.aggregate.version',
  eventsReplayed: 'eventfold.aggregate.events_replayed',
  snapshotVersion: 'eventfold.aggregate.snapshot_version',
  subscriber: 'eventfold.subscriber.name',
  subscriberKind: 'eventfold.subscriber.kind',
  attempt: 'eventfold.delivery.attempt',
  batchSize: 'eventfold.delivery.batch_size',
  outcome: 'eventfold.delivery.outcome',
} as const;

/** Metric names. */
export const METRIC = {
  eventsAppended: 'eventfold.events.appended',
  appendDuration: 'eventfold.append.duration',
  deliveries: 'eventfold.deliveries',
  deliveryDuration: 'eventfold.delivery.duration',
  retries: 'eventfold.delivery.retries',
  deadLetters: 'eventfold.dead_letters',
  lag: 'eventfold.subscriber.lag',
  checkpoint: 'eventfold.subscriber.checkpoint',
} as const;
