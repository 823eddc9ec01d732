/** Options of {@link Dispatcher.start}. */
export interface DispatcherOptions {
  /**
   * How long a subscriber's lease lasts without renewal, in milliseconds. Where several processes
   * share a database, another process takes a subscriber over this long after its holder died.
   * Defaults to 5000.
   */
  leaseMs?: number;
  /**
   * How often to look for events appended by other processes, in milliseconds. Appends of this
   * process reach subscribers at once, without waiting for this. Defaults to 250.
   */
  pollIntervalMs?: number;
  /** Events read per query while catching up. Defaults to 500. */
  pageSize?: number;
  /** Identifies this process in leases. Defaults to host name, process id and a random part. */
  processId?: string;
  /**
   * Told about failures of the dispatcher's own work (a lost connection while saving a
   * checkpoint); handler failures go to retries and dead letters instead. Defaults to a process
   * warning.
   */
  onError?: (error: unknown, subscriber: string) => void;
}
