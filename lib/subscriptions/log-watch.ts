import type { EventStore } from '../event-store/event-store';
import type { HorizonStall } from '../store/postgres/horizon-stall';
import { AppendSignals } from './append-signals';
import type { DispatcherSettings } from './dispatcher-options';
import { HorizonStallReports } from './logging/horizon-stall-reports';
import { SILENT_LOGGER } from './logging/subscriber-logger';
import { HorizonWatch } from './horizon-watch';
import type { SubscriberRunner } from './runner/subscriber-runner';

/**
 * How a dispatcher watches the log: it hands appends to the runners ({@link AppendSignals}) and,
 * from what each poll of the log's horizon finds, tells when a transaction left open holds the
 * runners back ({@link HorizonWatch}).
 */
export class LogWatch {
  private readonly signals: AppendSignals;
  private readonly horizon: HorizonWatch;

  constructor(store: EventStore, runners: readonly SubscriberRunner[], settings: DispatcherSettings, onError: (error: unknown) => void) {
    this.horizon = new HorizonWatch({
      lookUp: () => store.horizonStall(),
      reports: new HorizonStallReports(settings.logger === false ? SILENT_LOGGER : settings.logger),
      subscribers: runners,
      warnAfterMs: settings.horizonStallWarnMs,
      onError,
    });
    this.signals = new AppendSignals(store, runners, onError, (readable, latest) => this.horizon.observe(readable, latest));
  }

  /** Hands this process's appends to the runners from now on. */
  listen(): void {
    this.signals.listen();
  }

  /** Starts looking for other processes' appends, every `intervalMs` and whenever the database announces one. */
  watch(intervalMs: number): Promise<void> {
    return this.signals.watch(intervalMs);
  }

  /** The stall that holds `runner` back now, if any. */
  stallOf(runner: SubscriberRunner): HorizonStall | undefined {
    return this.horizon.stallOf(runner);
  }

  /** Stops watching. */
  async stop(): Promise<void> {
    await this.signals.stop();
    await this.horizon.stop();
  }
}
