/**
 * Thrown inside an operation's transaction when its lease turned out to be lost: another process
 * took the subscriber over. Not the handler's failure, so never retried or recorded; the
 * operation turns it into a {@link SubscriberBusyError} naming that process.
 */
export class OperationLeaseLost extends Error {
  constructor(readonly subscriber: string) {
    super(`the lease of '${subscriber}' was lost`);
  }
}

/**
 * Thrown inside a retry's transaction when its dead letter is gone: another retry or discard
 * settled it first, and this one must apply nothing.
 */
export class DeadLetterGone extends Error {
  constructor(readonly id: number) {
    super(`dead letter ${id} is gone`);
  }
}
