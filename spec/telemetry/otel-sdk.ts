import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, MeterProvider, MetricReader, type DataPoint, type MetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** A reader that collects only when asked: the spec reads the metrics at the moment it checks them. */
class ManualReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** An OpenTelemetry SDK installed for one spec, keeping what it records in memory. */
export interface InstalledSdk {
  readonly spans: InMemorySpanExporter;
  /** The finished spans named `name`, in the order they ended. */
  spansNamed(name: string): ReadableSpan[];
  /** The data points of the metric named `name`, collected now. */
  points(name: string): Promise<DataPoint<unknown>[]>;
  /** Unregisters the SDK's providers and context manager. */
  uninstall(): Promise<void>;
}

/**
 * Installs a tracer provider, a meter provider and an AsyncLocalStorage context manager globally.
 * With `temporality` DELTA, each collection holds only what was measured since the last one (a
 * gauge nobody observes any more reports nothing).
 */
export function installSdk(temporality = AggregationTemporality.CUMULATIVE): InstalledSdk {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const reader = new ManualReader({ aggregationTemporalitySelector: () => temporality });
  const meterProvider = new MeterProvider({ readers: [reader] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    spans,
    spansNamed: (name) => spans.getFinishedSpans().filter((span) => span.name === name),
    async points(name) {
      const { resourceMetrics } = await reader.collect();
      const found: MetricData[] = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).filter((metric) => metric.descriptor.name === name);
      return found.flatMap((metric) => metric.dataPoints as DataPoint<unknown>[]);
    },
    async uninstall() {
      trace.disable();
      metrics.disable();
      context.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}
