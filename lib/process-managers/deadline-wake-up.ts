/**
 * Tells the dispatcher's deadline delivery, once a step has committed, that a deadline it
 * scheduled falls due at a given time, so that it fires then rather than at the next poll.
 */
export class DeadlineWakeUp {
  private listener: ((dueAt: number) => void) | undefined;

  /** Who is told from now on; one listener at a time. */
  connect(listener: ((dueAt: number) => void) | undefined): void {
    this.listener = listener;
  }

  wake(dueAt: number): void {
    this.listener?.(dueAt);
  }
}
