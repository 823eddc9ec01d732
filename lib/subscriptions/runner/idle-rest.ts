/** How long a subscriber is idle before it records that nothing is in flight. */
const IDLE_REST_MS = 1000;

/**
 * Once a subscriber has had nothing to do for a second, has it record that nothing is in flight
 * (see {@link AttemptJournal.rest}): a process killed while idle then leaves nothing that looks
 * like a crash, and the next events after a quiet spell do not count as attempted twice.
 */
export class IdleRest {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Whether the subscriber has nothing to do and something announced to take back. */
    private readonly isIdle: () => boolean,
    private readonly rest: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts the wait if the subscriber is idle now and none runs. */
  notice(): void {
    if (this.timer || !this.isIdle()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.isIdle()) void this.rest().catch(this.onError);
    }, IDLE_REST_MS);
    this.timer.unref();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
