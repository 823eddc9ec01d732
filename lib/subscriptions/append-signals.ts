import type { EventStore } from '../event-store/event-store';
import type { SubscriberRunner } from './runner/subscriber-runner';

/**
 * Tells a dispatcher's runners about appends: this process's own, in memory and in priority
 * order, right after each commit; other processes' through PostgreSQL's notifications where the
 * database gives them, and through a poll of the log's head as a safety net.
 *
 * A poll reads the readable head (see {@link EventStore.headPosition}). When committed events
 * lie beyond it, waiting for an older transaction to end, it looks again after a few
 * milliseconds, then less and less often, rather than waiting for the next notification: the
 * commit that releases them may be of a transaction that notifies nobody.
 */
export class AppendSignals {
  private stopped = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private pollAgain = false;
  /** A poll found appends of this process in flight and waits for them to be announced. */
  private pollDeferred = false;
  private intervalMs = 250;
  /** The next look while committed events wait beyond the readable head, and the pause before it. */
  private heldTimer: NodeJS.Timeout | undefined;
  private heldPauseMs = 0;
  private unsubscribe: () => void = () => undefined;
  private stopWatching: () => Promise<void> = async () => undefined;

  constructor(
    private readonly store: EventStore,
    /** Highest priority first: live events are offered in this order. */
    private readonly runners: readonly SubscriberRunner[],
    private readonly onError: (error: unknown) => void,
    /** Told what each poll finds: the readable head, and the last committed position. */
    private readonly onHorizon: (readable: number, latest: number) => void = () => undefined,
  ) {}

  /** Hands this process's appends to the runners from now on. */
  listen(): void {
    this.unsubscribe = this.store.onAppended((events) => {
      for (const runner of this.runners) runner.offer(events);
      if (this.pollDeferred) void this.poll();
    });
  }

  /** Starts looking for other processes' appends: polls every `intervalMs`, and listens where the database announces commits. */
  async watch(intervalMs: number): Promise<void> {
    this.intervalMs = intervalMs;
    this.pollTimer = setInterval(() => void this.poll(), intervalMs);
    this.stopWatching = await this.store.watchAppends(
      () => void this.poll(),
      (error) => this.onError(error),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    clearInterval(this.pollTimer);
    clearTimeout(this.heldTimer);
    await this.stopWatching().catch((error) => this.onError(error));
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    if (this.polling) {
      // A commit announced while the head is being read may be newer than what that read sees.
      this.pollAgain = true;
      return;
    }
    this.polling = true;
    let held = false;
    try {
      do {
        this.pollAgain = false;
        this.pollDeferred = false;
        const { readable: head, latest } = await this.store.logHorizon();
        held = latest > head;
        this.onHorizon(head, latest);
        if (this.store.hasAppendsInFlight) {
          // The head may include an append of this process whose events are about to be handed
          // to the subscribers in memory, in priority order. Acting on the head now would send
          // them to read the log instead, each at its own pace; look again once it is announced.
          this.pollDeferred = true;
          break;
        }
        for (const runner of this.runners) runner.noticeHead(head);
      } while (this.pollAgain && !this.stopped);
    } catch (error) {
      if (!this.store.isClosed) this.onError(error);
    } finally {
      this.polling = false;
    }
    this.lookAgainIfHeld(held);
  }

  private lookAgainIfHeld(held: boolean): void {
    clearTimeout(this.heldTimer);
    if (!held || this.stopped) {
      this.heldPauseMs = 0;
      return;
    }
    this.heldPauseMs = Math.min(this.heldPauseMs * 2 || 2, this.intervalMs);
    this.heldTimer = setTimeout(() => void this.poll(), this.heldPauseMs);
  }
}
