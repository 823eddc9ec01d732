import { expect } from 'chai';
import {
  DomainEvent,
  EventHandler,
  InvalidArgumentError,
  On,
  Projection,
  ProjectionResetError,
  SubscriberBusyError,
  SubscriberOperations,
  UnknownSubscriberError,
  type EventStore,
  type HandlerContext,
  type RecordedEvent,
  type StartPosition,
} from '../../lib';
import { SubscriptionStore } from '../../lib/subscriptions/subscription-store';
import { forEachBackend } from '../support/backends';
import { expectRejection } from '../support/expect-rejection';

@DomainEvent('ResetSpecMailed')
class Mailed {
  constructor(readonly n: number = 0) {}
}

const fast = { initialDelayMs: 1, maxDelayMs: 5, jitter: 0, maxAttempts: 1 };

/** A handler that notes the positions it handles, refusing those in `refused`. */
function mailer(options: { segments?: number; onFailure?: 'park' | 'halt'; refused?: Set<number> } = {}) {
  const { refused = new Set<number>(), ...rest } = options;
  @EventHandler('mailer', { retry: fast, ...rest })
  class Mailer {
    readonly positions: number[] = [];

    @On(Mailed) mailed(_event: Mailed, { position }: HandlerContext): void {
      if (refused.has(position)) throw new Error(`position ${position} refused`);
      this.positions.push(position);
    }
  }
  return new Mailer();
}

@Projection('mail-counts')
class MailCounts {
  @On(Mailed) mailed(): void {}
}

/** Appends `count` events, each to a stream of its own. */
async function mail(store: EventStore, count: number): Promise<RecordedEvent[]> {
  const recorded: RecordedEvent[] = [];
  for (let n = 0; n < count; n++) recorded.push(...(await store.append({ type: 'Mail', id: `mail-${Math.random().toString(36).slice(2)}` }, [new Mailed(n)])).events);
  return recorded;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, n) => from + n);
const sorted = (positions: number[]) => [...positions].sort((a, b) => a - b);

forEachBackend('SubscriberOperations.reset', (backend) => {
  /** Runs `subscriber` until it has caught up, then stops it. */
  async function runOnce(store: EventStore, subscriber: object): Promise<void> {
    const dispatcher = await backend.dispatch(store, [subscriber]);
    await dispatcher.idle();
    await dispatcher.stop();
  }

  /** A store with `count` events that the handler has handled. */
  async function handledOnce(count = 5) {
    const store = await backend.open();
    const recorded = await mail(store, count);
    await runOnce(store, mailer());
    const operations = new SubscriberOperations(store);
    return { store, recorded, operations };
  }

  it('moves a handler back to the beginning: the next start delivers every event again', async () => {
    const { store, operations } = await handledOnce();

    const reset = await operations.reset('mailer', { to: 'beginning' });

    expect(reset).to.deep.equal({ subscriber: 'mailer', to: 'beginning', checkpoints: [{ subscriber: 'mailer', from: 5, to: 0, events: 5 }], deadLettersRemoved: 0 });
    const again = mailer();
    await runOnce(store, again);
    expect(again.positions).to.deep.equal(range(1, 5));
  });

  it('moves a handler to a position: the event at that position is the first delivered again', async () => {
    const { store, operations } = await handledOnce();

    const reset = await operations.reset('mailer', { to: { position: 4 } });

    expect(reset.checkpoints).to.deep.equal([{ subscriber: 'mailer', from: 5, to: 3, events: 2 }]);
    const again = mailer();
    await runOnce(store, again);
    expect(again.positions).to.deep.equal([4, 5]);
  });

  it('moves a handler to a time: the first event recorded at or after it is the first delivered again', async () => {
    const { store, recorded, operations } = await handledOnce();

    await operations.reset('mailer', { to: { time: recorded[2]!.recordedAt } });

    const again = mailer();
    await runOnce(store, again);
    // Events recorded in the same millisecond as the third count as at that time.
    const sameTime = recorded.filter((event) => event.recordedAt.getTime() >= recorded[2]!.recordedAt.getTime()).map((event) => event.position);
    expect(again.positions).to.deep.equal(sameTime);
    expect(again.positions[again.positions.length - 1]).to.equal(5);
  });

  it("moves a handler on to 'now': events it had not handled yet are passed over", async () => {
    const store = await backend.open();
    await mail(store, 2);
    await runOnce(store, mailer());
    await mail(store, 3);
    const operations = new SubscriberOperations(store);

    const reset = await operations.reset('mailer', { to: 'now' });

    expect(reset.checkpoints).to.deep.equal([{ subscriber: 'mailer', from: 2, to: 5, events: 3 }]);
    await mail(store, 1);
    const later = mailer();
    await runOnce(store, later);
    expect(later.positions).to.deep.equal([6]);
  });

  it('plans a reset without changing anything', async () => {
    const { store, operations } = await handledOnce();

    const plan = await operations.planReset('mailer', { to: { position: 2 } });

    expect(plan).to.deep.equal({ subscriber: 'mailer', to: { position: 2 }, checkpoints: [{ subscriber: 'mailer', from: 5, to: 1, events: 4 }], deadLettersRemoved: 0 });
    expect((await new SubscriptionStore(store.backend).load('mailer'))?.position).to.equal(5);
  });

  it("moves every segment of a split handler by the subscriber's name, and one segment by its own", async () => {
    const store = await backend.open();
    await mail(store, 6);
    await runOnce(store, mailer({ segments: 2 }));
    const operations = new SubscriberOperations(store);

    const one = await operations.reset('mailer[2/2]', { to: { position: 6 } });
    const all = await operations.reset('mailer', { to: 'beginning' });

    expect(one.checkpoints).to.deep.equal([{ subscriber: 'mailer[2/2]', from: 6, to: 5, events: 1 }]);
    expect(all.checkpoints.map(({ subscriber, from, to }) => ({ subscriber, from, to }))).to.deep.equal([
      { subscriber: 'mailer[1/2]', from: 6, to: 0 },
      { subscriber: 'mailer[2/2]', from: 5, to: 0 },
    ]);
    const again = mailer({ segments: 2 });
    await runOnce(store, again);
    expect(sorted(again.positions)).to.deep.equal(range(1, 6));
  });

  it('removes the dead letters of the events it delivers again, and keeps those of earlier events', async () => {
    const store = await backend.open();
    await mail(store, 5);
    await runOnce(store, mailer({ refused: new Set([2, 4]) }));
    const operations = new SubscriberOperations(store);
    expect((await operations.deadLetters('mailer')).map((letter) => letter.position)).to.deep.equal([2, 4]);

    const reset = await operations.reset('mailer', { to: { position: 3 } });

    expect(reset.deadLettersRemoved).to.equal(1);
    expect((await operations.deadLetters('mailer')).map((letter) => ({ position: letter.position, halted: letter.halted }))).to.deep.equal([
      { position: 2, halted: false },
    ]);
    const again = mailer();
    await runOnce(store, again);
    expect(again.positions).to.deep.equal([3, 4, 5]);
  });

  it('clears a halt: the handler starts again where the reset put it', async () => {
    const store = await backend.open();
    await mail(store, 4);
    await runOnce(store, mailer({ onFailure: 'halt', refused: new Set([2]) }));
    const operations = new SubscriberOperations(store);
    expect((await operations.status()).subscribers[0]).to.include({ name: 'mailer', state: 'halted', checkpoint: 1 });

    await operations.reset('mailer', { to: 'now' });

    expect((await operations.status()).subscribers[0]).to.include({ name: 'mailer', state: 'stopped', checkpoint: 4 });
    expect((await operations.deadLetters('mailer')).map(({ position, halted }) => ({ position, halted }))).to.deep.equal([{ position: 2, halted: false }]);
    await mail(store, 1);
    const resumed = mailer({ onFailure: 'halt' });
    await runOnce(store, resumed);
    expect(resumed.positions).to.deep.equal([5]);
  });

  it('refuses a projection, saying to rebuild it, and changes nothing', async () => {
    const store = await backend.open();
    await mail(store, 2);
    await runOnce(store, new MailCounts());
    const operations = new SubscriberOperations(store);

    const error = await expectRejection(operations.reset('mail-counts', { to: 'beginning' }), ProjectionResetError);

    expect(error).to.include({ code: 'EVENTFOLD_PROJECTION_RESET', subscriber: 'mail-counts' });
    expect(error.message).to.contain("Rebuild it instead (dispatcher.rebuild('mail-counts'), or eventfold rebuild mail-counts)");
    await expectRejection(operations.planReset('mail-counts', { to: 'beginning' }), ProjectionResetError);
    expect((await new SubscriptionStore(store.backend).load('mail-counts'))?.position).to.equal(2);
  });

  it('refuses while a dispatcher runs the handler, and changes nothing', async () => {
    const store = await backend.open();
    await mail(store, 3);
    const running = await backend.dispatch(store, [mailer()], { processId: 'reset-spec:holder' });
    await running.idle();
    const operations = new SubscriberOperations(store);

    const busy = await expectRejection(operations.reset('mailer', { to: 'beginning' }), SubscriberBusyError);
    const busyPlan = await expectRejection(operations.planReset('mailer', { to: 'beginning' }), SubscriberBusyError);

    for (const error of [busy, busyPlan]) {
      expect(error).to.include({ subscriber: 'mailer', heldBy: 'reset-spec:holder' });
      expect(error.message).to.contain("Cannot reset 'mailer': 'mailer' is running in another process (reset-spec:holder).");
    }
    expect(running.stats()[0]).to.include({ checkpoint: 3 });
    await running.stop();
    expect((await new SubscriptionStore(store.backend).load('mailer'))?.position).to.equal(3);
  });

  it('refuses an unknown name and a start position it cannot use', async () => {
    const { operations } = await handledOnce(1);

    const unknown = await expectRejection(operations.reset('mailr', { to: 'beginning' }), UnknownSubscriberError);
    expect(unknown.message).to.equal("No subscriber is named 'mailr'. Known subscribers: mailer.");
    const invalid: Array<[unknown, RegExp]> = [
      [{ to: 'end' }, /^Invalid options\.to: expected 'beginning', 'now', \{ position: n \} or \{ time: date \}, got "end"\.$/],
      [{ to: { position: -1 } }, /^Invalid options\.to\.position: expected a position of the log, a whole number >= 1, got -1\.$/],
      [{}, /^Invalid options\.to: .* got undefined\.$/],
      [undefined, /^Invalid options: expected an object such as \{ to: 'beginning' \}/],
    ];
    for (const [options, message] of invalid) {
      const error = await expectRejection(operations.reset('mailer', options as { to: StartPosition }), InvalidArgumentError);
      expect(error.message).to.match(message);
    }
    await expectRejection(operations.reset('', { to: 'now' }), InvalidArgumentError);
  });
});
