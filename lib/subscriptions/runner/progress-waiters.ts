/**
 * Promises of callers waiting for a subscriber to reach a position (`dispatcher.idle()`,
 * rebuilds). Each resolves once the position is reached, or once the subscriber cannot go on
 * (halted, standing by, stopped): a waiter never hangs on a subscriber that is not working.
 */
export class ProgressWaiters {
  private readonly waiting = new Set<{ position: number; resolve: () => void }>();

  /** A promise that resolves once {@link ProgressWaiters.resolveReached} finds `position` reached. */
  add(position: number): Promise<void> {
    return new Promise((resolve) => this.waiting.add({ position, resolve }));
  }

  /** Resolves every waiter whose position `reached` says is reached. */
  resolveReached(reached: (position: number) => boolean): void {
    for (const waiter of this.waiting) {
      if (reached(waiter.position)) {
        this.waiting.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /** Resolves every waiter: the subscriber stopped working here. */
  settleAll(): void {
    for (const waiter of this.waiting) waiter.resolve();
    this.waiting.clear();
  }
}
