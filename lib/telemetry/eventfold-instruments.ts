import { ValueType, type Counter, type Histogram, type Meter, type ObservableGauge } from '@opentelemetry/api';
import { METRIC } from './telemetry-names';

/** The metric instruments of eventfold on one meter, made once per meter provider. */
export class EventfoldInstruments {
  readonly eventsAppended: Counter;
  readonly appendDuration: Histogram;
  readonly deliveries: Counter;
  readonly deliveryDuration: Histogram;
  readonly retries: Counter;
  readonly deadLetters: Counter;
  readonly lag: ObservableGauge;
  readonly checkpoint: ObservableGauge;

  constructor(
    /** The meter they were made on, for callbacks that observe several gauges at once. */
    readonly meter: Meter,
  ) {
    const int = { valueType: ValueType.INT };
    this.eventsAppended = meter.createCounter(METRIC.eventsAppended, { ...int, unit: '{event}', description: 'Events appended to the log.' });
    this.appendDuration = meter.createHistogram(METRIC.appendDuration, { unit: 'ms', description: 'Time an append took, from its call to its answer.' });
    this.deliveries = meter.createCounter(METRIC.deliveries, {
      ...int,
      unit: '{delivery}',
      description: 'Attempts at handing an event to a subscriber, by outcome (success or failure).',
    });
    this.deliveryDuration = meter.createHistogram(METRIC.deliveryDuration, { unit: 'ms', description: "Time a subscriber's method took on one event." });
    this.retries = meter.createCounter(METRIC.retries, { ...int, unit: '{retry}', description: 'Deliveries tried again after a failure.' });
    this.deadLetters = meter.createCounter(METRIC.deadLetters, { ...int, unit: '{event}', description: 'Events a subscriber gave up on (dead-lettered).' });
    this.lag = meter.createObservableGauge(METRIC.lag, { ...int, unit: '{event}', description: "Events in the log after a subscriber's checkpoint." });
    this.checkpoint = meter.createObservableGauge(METRIC.checkpoint, {
      ...int,
      unit: '{position}',
      description: 'Position up to which a subscriber finished every event.',
    });
  }
}
