import type { EventStore } from '../event-store/event-store';
import type { SubscriberRunner } from './runner/subscriber-runner';
import { SubscribersNotLiveError } from './subscriber-errors';
import { SubscriptionStore } from './subscription-store';
import { withinDeadline } from './within-deadline';

/**
 * Waits until every runner holds its lease in this process and has finished every event up to
 * the log's head, checking every few milliseconds while some stand by.
 *
 * @throws {@link SubscribersNotLiveError} when one is halted, or not live by the deadline.
 */
export async function waitUntilLive(store: EventStore, runners: readonly SubscriberRunner[], timeoutMs: number, assertRunning: () => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    assertRunning();
    const halted = runners.some((runner) => runner.state === 'halted');
    if (!halted && runners.every((runner) => runner.isWorking)) {
      const { latest: head } = await store.logHorizon();
      const caughtUp = Promise.all(runners.map((runner) => runner.waitFor(head))).then(() => true);
      if (await withinDeadline(caughtUp, deadline, false)) {
        // A subscriber that lost its lease meanwhile stopped waiting without catching up.
        if (runners.every((runner) => runner.isWorking && runner.checkpoints.checkpoint >= head)) {
          await Promise.all(runners.map((runner) => runner.checkpoints.flush()));
          return;
        }
      }
    }
    if (halted || Date.now() >= deadline) throw await notLiveError(store, runners, timeoutMs);
    await delay(20);
  }
}

async function notLiveError(store: EventStore, runners: readonly SubscriberRunner[], timeoutMs: number): Promise<SubscribersNotLiveError> {
  const subscriptions = new SubscriptionStore(store.backend);
  const notLive = [];
  for (const runner of runners) {
    if (runner.state === 'live') continue;
    const heldBy = runner.state === 'standby' ? ((await subscriptions.load(runner.name).catch(() => undefined))?.leaseOwner ?? null) : undefined;
    notLive.push({ name: runner.name, state: runner.state, ...(heldBy !== undefined ? { heldBy } : {}) });
  }
  return new SubscribersNotLiveError(notLive, timeoutMs);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
