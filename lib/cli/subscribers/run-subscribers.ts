import { hostname } from 'node:os';
import { Dispatcher } from '../../subscriptions/dispatcher';
import { SubscriberBusyError } from '../../subscriptions/operations/subscriber-busy-error';
import { SubscriptionStore } from '../../subscriptions/subscription-store';
import type { Terminal } from '../output/terminal';
import type { CliSession } from '../session/cli-session';
import type { ConfiguredSubscriber } from '../../inspection/configured-subscribers';

/**
 * Starts a dispatcher in this process for `subscribers` only, runs `work` with it and stops it,
 * whether `work` succeeds or not. Where the application runs a subscriber at the same moment,
 * the subscriber stands by here (see {@link assertRunsHere}).
 *
 * @example
 * ```ts
 * await withSubscribers(session, [projection], terminal, (dispatcher) => dispatcher.rebuild('open-orders'));
 * ```
 */
export async function withSubscribers<T>(
  session: CliSession,
  subscribers: readonly ConfiguredSubscriber[],
  terminal: Terminal,
  work: (dispatcher: Dispatcher) => Promise<T>,
): Promise<T> {
  const dispatcher = await Dispatcher.start(
    session.store,
    subscribers.map((subscriber) => subscriber.instance),
    {
      processId: `${hostname()}:${process.pid}:eventfold-cli`,
      onError: (error, subscriber) => terminal.err(terminal.errorColors.yellow(`warning: subscriber '${subscriber}': ${(error as Error)?.message ?? String(error)}`)),
    },
  );
  try {
    return await work(dispatcher);
  } finally {
    await dispatcher.stop();
  }
}

/**
 * Whether the subscriber runs in this process's dispatcher rather than standing by because
 * another process holds its lease.
 */
function runsHere(dispatcher: Dispatcher, name: string): boolean {
  return dispatcher.stats().find((stats) => stats.name === name)?.state !== 'standby';
}

/**
 * @throws {@link SubscriberBusyError} when another process runs the subscriber, naming that process.
 */
export async function assertRunsHere(dispatcher: Dispatcher, session: CliSession, name: string, operation: string): Promise<void> {
  if (runsHere(dispatcher, name)) return;
  const saved = await new SubscriptionStore(session.store.backend).load(name);
  const expires = saved?.leaseExpiresAt ?? null;
  throw new SubscriberBusyError(name, operation, saved?.leaseOwner ?? null, expires === null ? null : new Date(expires));
}
