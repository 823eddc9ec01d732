import { MAX_TIMER_DELAY_MS } from '../../validation/timer-delay';

/**
 * When the deadline delivery looks for due deadlines next: it sleeps until the first of the
 * times it was given and the times it was told of since its last look began, and wakes at once
 * when told that something is due now.
 *
 * Times are read on the delivery's clock; a sleep is cut into timers no longer than Node takes
 * ({@link MAX_TIMER_DELAY_MS}), and a timer that fires early only makes the delivery look, find
 * nothing due yet, and sleep again.
 */
export class DeadlineAlarm {
  /** The first due time told since the last look began: that look may have missed it. */
  private toldAtMs = Infinity;
  /** Told, since the last look began, that something is due now. */
  private rung = false;
  private wakeAtMs = Infinity;
  private timer: NodeJS.Timeout | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly now: () => number) {}

  /** A look begins: what it finds covers what was told before. */
  lookBegins(): void {
    this.toldAtMs = Infinity;
    this.rung = false;
  }

  /** Something falls due at `dueAtMs`, or now when undefined. */
  tell(dueAtMs?: number): void {
    if (dueAtMs === undefined || dueAtMs <= this.now()) {
      this.rung = true;
      this.wakeUp?.();
      return;
    }
    this.toldAtMs = Math.min(this.toldAtMs, dueAtMs);
    if (this.wakeUp && dueAtMs < this.wakeAtMs) this.arm(dueAtMs);
  }

  /** Resolves at `untilMs`, or sooner when told of something due sooner. */
  sleep(untilMs: number): Promise<void> {
    if (this.rung) return Promise.resolve();
    return new Promise((resolve) => {
      this.wakeUp = () => {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.wakeUp = undefined;
        this.wakeAtMs = Infinity;
        resolve();
      };
      this.arm(Math.min(untilMs, this.toldAtMs));
    });
  }

  private arm(atMs: number): void {
    clearTimeout(this.timer);
    this.wakeAtMs = atMs;
    const delayMs = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, atMs - this.now()));
    this.timer = setTimeout(() => this.wakeUp?.(), delayMs);
  }
}
