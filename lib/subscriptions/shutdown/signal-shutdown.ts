import { errorMessageOf } from '../halt-reason';
import type { SubscriberLogger } from '../logging/subscriber-logger';
import { withinDeadline } from '../within-deadline';
import { exitCodeOf, type ShutdownSignal } from './shutdown-signals';

/** What a {@link SignalShutdown} does on a signal, checked and with defaults filled in. */
export interface SignalShutdownSettings {
  readonly signals: readonly ShutdownSignal[];
  readonly timeoutMs: number;
  readonly onShutdown: ((signal: ShutdownSignal) => void | Promise<void>) | undefined;
}

/** The parts of the process a {@link SignalShutdown} uses: `process` itself, or a stand-in in specs. */
export interface SignalTarget {
  on(signal: ShutdownSignal, listener: () => void): unknown;
  off(signal: ShutdownSignal, listener: () => void): unknown;
  listenerCount(signal: ShutdownSignal): number;
  exit(code: number): void;
}

/**
 * Stops a dispatcher when the process is asked to end (`docker stop`, a Kubernetes pod going
 * away, Ctrl-C), then lets the process end as the signal would have ended it.
 *
 * The first signal stops the dispatcher (events in progress finish, checkpoints are saved, leases
 * are given up so another process takes over at once) and runs `onShutdown`, for at most
 * `timeoutMs`. Then its listeners go, and if no other listener of that signal is left the process
 * exits with the code the signal would have given it (128 + its number): Node.js ends the process
 * on SIGTERM or SIGINT only while nothing listens, so with the listeners gone a plain return would
 * leave it running on an open server or pool. Where the application listens to the signal too,
 * ending the process is left to it. A second signal during the stop exits at once: whoever sends
 * it wants the process gone, and events cut short are delivered again on the next start.
 */
export class SignalShutdown {
  private readonly listeners = new Map<ShutdownSignal, () => void>();
  /** Set once a signal arrived: the stop it started owns the listeners until the process exits. */
  private shuttingDown = false;

  constructor(
    private readonly settings: SignalShutdownSettings,
    /** Stops the dispatcher. */
    private readonly stop: () => Promise<void>,
    private readonly logger: SubscriberLogger,
    private readonly target: SignalTarget = process,
  ) {}

  /** Starts listening to the signals. */
  listen(): void {
    for (const signal of this.settings.signals) {
      const listener = () => void this.received(signal);
      this.listeners.set(signal, listener);
      this.target.on(signal, listener);
    }
  }

  /**
   * Stops listening, for a stop the application asked for. During a stop on a signal the
   * listeners stay, so that a second signal still ends the process at once.
   */
  forget(): void {
    if (!this.shuttingDown) this.removeListeners();
  }

  private async received(signal: ShutdownSignal): Promise<void> {
    if (this.shuttingDown) {
      this.logger.warn(`eventfold: ${signal} received again while stopping: exiting now. Events in progress are delivered again on the next start.`);
      this.target.exit(exitCodeOf(signal));
      return;
    }
    this.shuttingDown = true;
    const { timeoutMs } = this.settings;
    this.logger.info(`eventfold: ${signal} received: stopping subscribers (finishing events in progress, saving checkpoints, giving up leases).`);
    const finished = await withinDeadline(
      this.shutDown(signal).then(() => true),
      Date.now() + timeoutMs,
      false,
    );
    if (!finished) {
      this.logger.warn(
        `eventfold: stopping on ${signal} took longer than shutdownTimeoutMs (${timeoutMs} ms); going on without waiting further. ` +
          'Events still in progress are delivered again on the next start, once their leases run out. Raise shutdownTimeoutMs if stops need more time.',
      );
    }
    this.removeListeners();
    if (this.target.listenerCount(signal) === 0) this.target.exit(exitCodeOf(signal));
  }

  /** Stops the dispatcher, then runs the application's `onShutdown`; a failure of either is reported, not thrown. */
  private async shutDown(signal: ShutdownSignal): Promise<void> {
    try {
      await this.stop();
    } catch (error) {
      this.logger.error(`eventfold: stopping the dispatcher on ${signal} failed: ${errorMessageOf(error)}`);
    }
    try {
      await this.settings.onShutdown?.(signal);
    } catch (error) {
      this.logger.error(`eventfold: onShutdown failed on ${signal}: ${errorMessageOf(error)}`);
    }
  }

  private removeListeners(): void {
    for (const [signal, listener] of this.listeners) this.target.off(signal, listener);
    this.listeners.clear();
  }
}
