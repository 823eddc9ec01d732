import type { BatchObservableResult } from '@opentelemetry/api';
import type { SubscriberStats } from '../subscriptions/subscriber-stats';
import type { StoreTelemetry } from './store-telemetry';
import { ATTRIBUTE } from './telemetry-names';

/**
 * Reports the lag and checkpoint of a running dispatcher's subscribers as observable gauges, read
 * from its stats when the metrics are collected. Returns a function that stops reporting them: a
 * stopped dispatcher reports nothing, rather than the figures it stopped at.
 */
export function observeSubscribers(telemetry: StoreTelemetry, stats: () => readonly SubscriberStats[]): () => void {
  const instruments = telemetry.instruments();
  if (instruments === undefined) return () => undefined;
  const { meter, lag, checkpoint } = instruments;
  // One callback for both gauges, so that a collection reads the stats once.
  const observe = (result: BatchObservableResult) => {
    for (const subscriber of stats()) {
      const attributes = attributesOf(subscriber);
      result.observe(lag, subscriber.lag, attributes);
      result.observe(checkpoint, subscriber.checkpoint, attributes);
    }
  };
  meter.addBatchObservableCallback(observe, [lag, checkpoint]);
  return () => meter.removeBatchObservableCallback(observe, [lag, checkpoint]);
}

function attributesOf(subscriber: SubscriberStats): Record<string, string> {
  return { [ATTRIBUTE.subscriber]: subscriber.name, [ATTRIBUTE.subscriberKind]: subscriber.kind };
}
