import type { ObservableResult } from '@opentelemetry/api';
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
  const { lag, checkpoint } = instruments;
  const observeLag = (result: ObservableResult) => {
    for (const subscriber of stats()) result.observe(subscriber.lag, attributesOf(subscriber));
  };
  const observeCheckpoint = (result: ObservableResult) => {
    for (const subscriber of stats()) result.observe(subscriber.checkpoint, attributesOf(subscriber));
  };
  lag.addCallback(observeLag);
  checkpoint.addCallback(observeCheckpoint);
  return () => {
    lag.removeCallback(observeLag);
    checkpoint.removeCallback(observeCheckpoint);
  };
}

function attributesOf(subscriber: SubscriberStats): Record<string, string> {
  return { [ATTRIBUTE.subscriber]: subscriber.name, [ATTRIBUTE.subscriberKind]: subscriber.kind };
}
