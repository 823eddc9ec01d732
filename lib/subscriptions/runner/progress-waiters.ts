/**
 * Promises of callers waiting for a subscriber to reach a position (`dispatcher.idle()`,
 * rebuilds). Each resolves once the position is reached, or once the subscriber cannot go on
 * (halted, standing by, stopped): a waiter never hangs on a subscriber that is not working.
 */
export class ProgressWaiters {
  private readonly waiting = new Set<{ position: number; resolve: () => void }>();

  /**
   * A promise that resolves once {@link ProgressWaiters.resolveReached} finds `position` reached,
   * or once `release` aborts: a caller that gave up (timed out) drops its waiter rather than leave
   * it behind for as long as the subscriber is short of the position.
   */
  add(position: number, release?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (release?.aborted) return resolve();
      const onRelease = () => {
        this.waiting.delete(waiter);
        resolve();
      };
      const waiter = {
        position,
        resolve: () => {
          release?.removeEventListener('abort', onRelease);
          resolve();
        },
      };
      release?.addEventListener('abort', onRelease, { once: true });
      this.waiting.add(waiter);
    });
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
