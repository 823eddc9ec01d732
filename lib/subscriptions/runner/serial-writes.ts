/**
 * Runs a dispatcher's small bookkeeping writes (the attempt journals' announcements) one after
 * another, in the order they were asked for. Subscribers ask in priority order when a live event
 * arrives; on PostgreSQL, writes on different pool connections could otherwise finish in any
 * order and let a subscriber of lower priority start on the event first.
 */
export class SerialWrites {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(write: () => Promise<T>): Promise<T> {
    const next = this.last.then(write);
    this.last = next.catch(() => undefined);
    return next;
  }
}
