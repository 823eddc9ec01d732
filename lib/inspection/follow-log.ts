import { setTimeout as sleep } from 'node:timers/promises';
import type { UndecodableEventError } from '../events/undecodable-event-error';
import type { EventStore } from '../event-store/event-store';
import type { RecordedEvent } from '../store/recorded-event';

/** What {@link followLog} reports: an event, or one it could not decode (its class is not in the config). */
export type LogEntry = { readonly kind: 'event'; readonly recorded: RecordedEvent } | { readonly kind: 'undecodable'; readonly error: UndecodableEventError };

/** Options of {@link followLog}. */
export interface FollowOptions {
  /** First position to report. */
  readonly from: number;
  /** How long to wait between looks at the head of the log, in milliseconds. */
  readonly intervalMs: number;
  /** Stops following when aborted; `followLog` then resolves. */
  readonly signal: AbortSignal;
}

/**
 * Reports every event of the log from `from` on, in position order, then each new one as it is
 * appended (by any process), until `signal` is aborted. It polls the head of the log, which is
 * one cheap query, and reads only when the head moved.
 *
 * @example
 * ```ts
 * await followLog(store, { from: 1, intervalMs: 200, signal }, (entry) => console.log(entry));
 * ```
 */
export async function followLog(store: EventStore, options: FollowOptions, report: (entry: LogEntry) => void): Promise<void> {
  let next = options.from;
  while (!options.signal.aborted) {
    const head = await store.headPosition();
    if (head >= next) {
      const onUndecodable = (error: UndecodableEventError) => report({ kind: 'undecodable', error });
      for await (const recorded of store.readAll({ from: next, to: head, onUndecodable })) {
        report({ kind: 'event', recorded });
        if (options.signal.aborted) return;
      }
      next = head + 1;
    }
    try {
      await sleep(options.intervalMs, undefined, { signal: options.signal });
    } catch {
      return; // aborted
    }
  }
}
