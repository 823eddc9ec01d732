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
    private readonly subscriber: {
      /** Whether the subscriber has nothing to do and something announced to take back. */
      readonly isIdle: () => boolean;
      readonly rest: () => Promise<void>;
      readonly onError: (error: unknown) => void;
    },
  ) {}

  /** Starts the wait if the subscriber is idle now and none runs. */
  notice(): void {
    const { isIdle, rest, onError } = this.subscriber;
    if (this.timer || !isIdle()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (isIdle()) void rest().catch(onError);
    }, IDLE_REST_MS);
    this.timer.unref();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
