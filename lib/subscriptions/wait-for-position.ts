import { InvalidArgumentError } from '../errors/invalid-argument-error';
import { describeValue } from '../store/describe-value';
import { checkTimeoutMs } from '../validation/timer-delay';
import type { AppendResult } from '../store/new-event';
import type { SubscriberRunner } from './runner/subscriber-runner';
import { PositionNotReachedError, type LaggingSubscriber } from './subscriber-errors';
import type { SubscriptionStore } from './subscription-store';
import { withinDeadline } from './within-deadline';

/**
 * Options of {@link Dispatcher.waitFor}.
 *
 * @example
 * ```ts
 * await dispatcher.waitFor(await orders.save(order), { timeoutMs: 2_000, subscribers: ['open-orders'] });
 * ```
 */
export interface WaitForOptions {
  /** How long to wait at most, in milliseconds, up to 2147483647 (about 24.8 days). Defaults to 5000. */
  readonly timeoutMs?: number;
  /**
   * The subscribers to wait for, by name: a subscriber split into segments stands for all its
   * segments, a segment's name (`open-orders[2/4]`) for that one. Defaults to every subscriber of
   * the dispatcher.
   */
  readonly subscribers?: readonly string[];
}

/** What {@link waitForPosition} needs besides the runners. */
export interface PositionWait {
  readonly position: number;
  readonly timeoutMs: number;
  /** How often to read the saved checkpoints of subscribers that do not work here. */
  readonly pollIntervalMs: number;
  readonly subscriptions: SubscriptionStore;
  /** Throws once the dispatcher is stopped. */
  readonly assertRunning: () => void;
}

/**
 * Waits until every runner's checkpoint has reached `position`: every event up to it is finished,
 * so a projection's read model shows it and a handler's side effect is done.
 *
 * A runner working here is followed as it goes (it resolves a waiter at the position). One that
 * does not work here, because another process holds its lease, is followed through the checkpoint
 * that process saves, read every `pollIntervalMs`. A halted runner ends the wait at once: it does
 * not move until an operator deals with its dead letter, so waiting out the timeout would only
 * hold up the caller.
 *
 * @throws {@link PositionNotReachedError} when one is halted short of the position, or some are
 * still short of it after `timeoutMs`.
 */
export async function waitForPosition(runners: readonly SubscriberRunner[], wait: PositionWait): Promise<void> {
  const { position, timeoutMs, pollIntervalMs } = wait;
  const deadline = Date.now() + timeoutMs;
  // One waiter per runner working here for the whole call, not one per poll round: a round that
  // ends on the poll interval leaves the waiters of the runners here pending, and they are
  // waited on again in the next round. A runner gets a new one only once its waiter settled
  // (it stopped working here, then took the lease again). Every waiter is released when the
  // call ends, by timeout or otherwise.
  const here = new Map<SubscriberRunner, { readonly progress: Promise<void>; settled: boolean }>();
  const release = new AbortController();
  const waiterOf = (runner: SubscriberRunner): Promise<void> => {
    const current = here.get(runner);
    if (current && !current.settled) return current.progress;
    const waiter = { progress: runner.waitFor(position, release.signal), settled: false };
    void waiter.progress.then(() => (waiter.settled = true));
    here.set(runner, waiter);
    return waiter.progress;
  };
  try {
    for (;;) {
      wait.assertRunning();
      const lagging = await laggingBehind(runners, wait);
      if (lagging.length === 0) return;
      if (lagging.some(({ subscriber }) => subscriber.haltedReason !== undefined)) {
        throw new PositionNotReachedError(
          position,
          timeoutMs,
          lagging.map(({ subscriber }) => subscriber),
          false,
        );
      }
      if (Date.now() >= deadline)
        throw new PositionNotReachedError(
          position,
          timeoutMs,
          lagging.map(({ subscriber }) => subscriber),
          true,
        );
      const working = lagging.flatMap(({ runner }) => (runner.isWorking ? [waiterOf(runner)] : []));
      // A runner's waiter also resolves when it stops working here (halted, lost its lease): the
      // next round sees why. Saved checkpoints of the others are read again after a poll interval.
      const progress =
        working.length === lagging.length
          ? Promise.all(working)
          : working.length === 0
            ? delay(pollIntervalMs)
            : Promise.race([Promise.all(working), delay(pollIntervalMs)]);
      await withinDeadline(progress, deadline, undefined);
    }
  } finally {
    release.abort();
  }
}

/** The runners short of the position, each with what the error would say of it. */
async function laggingBehind(runners: readonly SubscriberRunner[], wait: PositionWait): Promise<Array<{ runner: SubscriberRunner; subscriber: LaggingSubscriber }>> {
  const lagging = [];
  for (const runner of runners) {
    const subscriber = runner.isWorking || runner.state === 'halted' ? followedHere(runner, wait.position) : await followedElsewhere(runner, wait);
    if (subscriber) lagging.push({ runner, subscriber });
  }
  return lagging;
}

function followedHere(runner: SubscriberRunner, position: number): LaggingSubscriber | undefined {
  const { checkpoint } = runner.checkpoints;
  if (checkpoint >= position) return undefined;
  const halted = runner.state === 'halted' ? { haltedReason: runner.deadLettering.haltedReason ?? 'halted' } : {};
  return { name: runner.name, state: runner.state, checkpoint, behind: position - checkpoint, ...halted };
}

/** A runner that does not work here: its checkpoint as the process that runs it last saved it. */
async function followedElsewhere(runner: SubscriberRunner, wait: PositionWait): Promise<LaggingSubscriber | undefined> {
  const saved = await wait.subscriptions.load(runner.name);
  const checkpoint = saved?.position ?? 0;
  if (checkpoint >= wait.position) return undefined;
  const halted = saved?.status === 'halted' ? { haltedReason: saved.statusReason ?? 'halted' } : {};
  return { name: runner.name, state: runner.state, checkpoint, behind: wait.position - checkpoint, ...halted, heldBy: saved?.leaseOwner ?? null };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * The position `dispatcher.waitFor` is given, as a number: a position, or the last position of
 * what an append or a save returned; 0, nothing to wait for, for a save that saved nothing.
 *
 * @throws {@link InvalidArgumentError} for anything else.
 */
export function positionToWaitFor(position: number | AppendResult | undefined): number {
  if (position === undefined) return 0;
  if (typeof position === 'number') {
    if (Number.isSafeInteger(position) && position >= 0) return position;
    throw new InvalidArgumentError('position', `expected a position of the log, a whole number >= 0, got ${describeValue(position)}.`);
  }
  const events = (position as Partial<AppendResult> | null)?.events;
  if (!Array.isArray(events)) {
    throw new InvalidArgumentError('position', `expected a position of the log, or what store.append or repository.save returned, got ${describeValue(position)}.`);
  }
  return Math.max(0, ...events.map((recorded) => recorded.position));
}

/**
 * Checks the options of `dispatcher.waitFor` but its subscriber names (the dispatcher knows
 * those), and returns the timeout.
 *
 * @throws {@link InvalidArgumentError} naming the option.
 */
export function checkWaitForOptions(options: WaitForOptions): number {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', `expected an object of options or nothing, got ${describeValue(options)}.`);
  }
  return checkTimeoutMs(options.timeoutMs, 'options.timeoutMs', 5000);
}
