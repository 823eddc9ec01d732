import type { RecordedEvent } from './recorded-event';

/** Told about the events of every append right after it commits, in commit order. */
export type AppendListener = (events: readonly RecordedEvent[]) => void;

/** The listeners to a log's appends. */
export class AppendListeners {
  private readonly listeners = new Set<AppendListener>();

  /** Adds a listener; returns a function that removes it. */
  add(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells every listener about an append that has committed. */
  announce(events: readonly RecordedEvent[]): void {
    for (const listener of this.listeners) {
      try {
        listener(events);
      } catch (error) {
        // The append has committed and must be reported as such; a listener's bug surfaces on
        // its own instead of failing the caller's append.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
