import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Dispatcher, EventHandler, EventStore, On } from '../../lib';
import { MarketBook, OrderFilled, OrderPlaced } from '../bench-domain';
import { createReadModels, OrderStatusProjection } from '../order-projections';
import { startClock, throughput } from '../timing';
import type { Measurement, Workload, WorkloadRun } from '../workload';

const EVENTS_PER_SAVE = 10;
const WARM_UP_SAVES = 50;

function saveCount(quick: boolean): number {
  return quick ? 200 : 3000;
}

/** An event handler that only counts, so that what is timed is the delivery. */
@EventHandler('order-counter')
class OrderCounter {
  handled = 0;

  @On(OrderPlaced)
  placed(): void {
    this.handled++;
  }

  @On(OrderFilled)
  filled(): void {
    this.handled++;
  }
}

/** A reader that never exports: the measurements are kept, as an application's SDK would keep them between exports. */
class QuietReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** An OpenTelemetry SDK as an application would install it, exporting spans to memory. */
function installSdk(): { spans: InMemorySpanExporter } {
  const spans = new InMemorySpanExporter();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new QuietReader()] }));
  return { spans };
}

/**
 * Repository saves of new order books, 10 events each, each save inside a request span, with an
 * event handler and a projection in the same process: timed from the first save until
 * `dispatcher.idle()` resolves.
 */
async function measure(run: WorkloadRun, telemetry: boolean, sdk: boolean): Promise<Measurement> {
  const exporter = sdk ? installSdk() : undefined;
  const store = await EventStore.open({ sqlite: run.file, durability: run.durability, aggregates: [MarketBook], telemetry });
  try {
    await createReadModels(store.db, ['order_status']);
    const counter = new OrderCounter();
    const dispatcher = await Dispatcher.start(store, [counter, new OrderStatusProjection()], { logger: false });
    const books = store.repository(MarketBook);
    const tracer = trace.getTracer('bench');
    const save = (index: number) =>
      tracer.startActiveSpan('request', async (span) => {
        const book = new MarketBook(`book-${index}`);
        for (let offset = 0; offset < EVENTS_PER_SAVE; offset++) book.record(index * EVENTS_PER_SAVE + offset);
        await books.save(book);
        span.end();
      });
    try {
      for (let index = 0; index < WARM_UP_SAVES; index++) await save(index);
      await dispatcher.idle();
      const saves = saveCount(run.quick);
      const elapsed = startClock();
      for (let index = WARM_UP_SAVES; index < WARM_UP_SAVES + saves; index++) await save(index);
      await dispatcher.idle();
      const measured = throughput(saves * EVENTS_PER_SAVE, elapsed());
      const head = await store.headPosition();
      const spans = exporter ? `, ${exporter.spans.getFinishedSpans().length.toLocaleString('en-US')} spans` : '';
      return { ...measured, detail: `${measured.detail}${spans}`, checksum: `${head} events, ${counter.handled} handled` };
    } finally {
      await dispatcher.stop();
    }
  } finally {
    await store.close();
  }
}

const describeWork = (quick: boolean) =>
  `${saveCount(quick)} repository saves of ${EVENTS_PER_SAVE} events (a new MarketBook each, inside a request span), ` +
  `an @EventHandler that counts and the order-status @Projection in the same process, timed until dispatcher.idle() resolves, after ${WARM_UP_SAVES} warm-up saves`;

/**
 * What instrumentation costs while the application installs no OpenTelemetry SDK: the "eventfold"
 * side runs with telemetry on (the default, the API a no-op), the "raw" side with `telemetry: false`.
 */
export const telemetryOverhead: Workload = {
  name: 'telemetry-noop',
  label: (quick) => `save ${saveCount(quick)} x ${EVENTS_PER_SAVE} -> handler + projection, telemetry on vs off (no SDK)`,
  unit: 'events/s',
  durabilities: ['normal'],
  note: (quick) => `${describeWork(quick)}; eventfold: telemetry on with no OpenTelemetry SDK installed; raw: the same with telemetry: false (ef/raw is the overhead)`,
  target: () => undefined,
  eventfold: { measure: (run) => measure(run, true, false) },
  raw: { measure: (run) => measure(run, false, false) },
};

/** The same with an SDK installed (spans to an in-memory exporter, metrics kept by a reader), for information. */
export const telemetryWithSdk: Workload = {
  ...telemetryOverhead,
  name: 'telemetry-sdk',
  label: (quick) => `save ${saveCount(quick)} x ${EVENTS_PER_SAVE} -> handler + projection, SDK installed vs telemetry off`,
  note: (quick) =>
    `${describeWork(quick)}; eventfold: an OpenTelemetry SDK installed (BasicTracerProvider, SimpleSpanProcessor to an InMemorySpanExporter, ` +
    'AsyncLocalStorage context manager, a MeterProvider with a reader); raw: the same SDK installed, the store opened with telemetry: false',
  eventfold: { measure: (run) => measure(run, true, true) },
  raw: { measure: (run) => measure(run, false, true) },
};
