import { createNoopMeter, metrics, ProxyTracerProvider, trace, type MeterProvider, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { EventfoldInstruments } from './eventfold-instruments';
import { TELEMETRY_NAME, TELEMETRY_VERSION } from './telemetry-names';

/** What the API hands out while no SDK has registered a tracer provider. */
const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();
/** The class of the meters the API hands out while no SDK has registered a meter provider. */
const NoopMeter = createNoopMeter().constructor;

/**
 * A store's way to OpenTelemetry: its tracer and its instruments, or `undefined` for each while
 * no SDK is installed (or the store was opened with `telemetry: false`), so that hot paths do no
 * work at all beyond asking.
 *
 * The global providers are looked up on each call, not once, and what was made from them is kept
 * until they change: an SDK installed after the store opened is picked up, and one disabled and
 * installed again (as specs do) is not left pointing at the old one. A lookup is a read of one
 * global and a comparison.
 */
export class StoreTelemetry {
  private tracerProvider: TracerProvider | undefined;
  private currentTracer: Tracer | undefined;
  private meterProvider: MeterProvider | undefined;
  private currentInstruments: EventfoldInstruments | undefined;

  constructor(
    /** False when the store was opened with `telemetry: false`. */
    readonly enabled: boolean,
    /** The `db.system` attribute of the store's database. */
    readonly dbSystem: string,
  ) {}

  /** Whether spans or measurements would be recorded: when not, hot paths skip telemetry altogether. */
  get active(): boolean {
    return this.tracer() !== undefined || this.instruments() !== undefined;
  }

  /** The tracer, or `undefined` when nothing would record spans. */
  tracer(): Tracer | undefined {
    if (!this.enabled) return undefined;
    const global = trace.getTracerProvider();
    const provider = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
    if (provider === NOOP_TRACER_PROVIDER) return undefined;
    if (provider !== this.tracerProvider) {
      this.tracerProvider = provider;
      this.currentTracer = provider.getTracer(TELEMETRY_NAME, TELEMETRY_VERSION);
    }
    return this.currentTracer;
  }

  /** The metric instruments, or `undefined` when nothing would record measurements. */
  instruments(): EventfoldInstruments | undefined {
    if (!this.enabled) return undefined;
    const provider = metrics.getMeterProvider();
    if (provider !== this.meterProvider) {
      this.meterProvider = provider;
      const meter = provider.getMeter(TELEMETRY_NAME, TELEMETRY_VERSION);
      this.currentInstruments = meter instanceof NoopMeter ? undefined : new EventfoldInstruments(meter);
    }
    return this.currentInstruments;
  }
}

/** The `db.system` value of a backend, as OpenTelemetry's semantic conventions spell it. */
export function dbSystemOf(backendName: string): string {
  return backendName === 'postgres' ? 'postgresql' : backendName;
}
