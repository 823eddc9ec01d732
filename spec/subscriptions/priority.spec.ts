import { expect } from 'chai';
import { DomainEvent, EventHandler, On, type HandlerContext } from '../../lib';
import { forEachBackend } from '../support/backends';

@DomainEvent('Routine')
class Routine {
  constructor(readonly label: string) {}
}

@DomainEvent('Urgent', { priority: 10 })
class Urgent {
  constructor(readonly label: string) {}
}

/** Handles one event at a time and notes the order. */
@EventHandler('one-at-a-time')
class OneAtATime {
  readonly order: string[] = [];

  @On(Routine)
  routine(event: Routine): void {
    this.order.push(event.label);
  }

  @On(Urgent)
  urgent(event: Urgent): void {
    this.order.push(event.label);
  }
}

forEachBackend('Event priority', (backend) => {
  it('hands a handler the ready event of highest priority first: from its class, or from publish', async () => {
    const store = await backend.open();
    // Appended, and readable, before the dispatcher starts, so that all of them are ready at once.
    await store.publish(new Routine('routine'), { stream: { type: 'Job', id: 'a' } });
    await store.publish(new Urgent('urgent by class'), { stream: { type: 'Job', id: 'b' } });
    await store.publish(new Routine('urgent by publish'), { stream: { type: 'Job', id: 'c' }, priority: 20 });
    await store.publish(new Routine('low by publish'), { stream: { type: 'Job', id: 'd' }, priority: -1 });
    await store.waitForReadable();
    const handler = new OneAtATime();
    const dispatcher = await backend.dispatch(store, [handler]);
    await dispatcher.idle();
    expect(handler.order).to.deep.equal(['urgent by publish', 'urgent by class', 'routine', 'low by publish']);
  });

  it('never lets a higher-priority event overtake an earlier event of its own stream', async () => {
    const store = await backend.open();
    await store.publish(new Routine('a1'), { stream: { type: 'Job', id: 'a' } });
    await store.publish(new Routine('b1'), { stream: { type: 'Job', id: 'b' } });
    await store.publish(new Urgent('a2 urgent'), { stream: { type: 'Job', id: 'a' } });
    const handler = new OneAtATime();
    const dispatcher = await backend.dispatch(store, [handler]);
    await dispatcher.idle();
    expect(handler.order.indexOf('a1')).to.be.lessThan(handler.order.indexOf('a2 urgent'));
    expect(handler.order).to.have.members(['a1', 'b1', 'a2 urgent']);
  });

  it('refuses a priority that is not a finite number', async () => {
    const store = await backend.open();
    await expectRejects(() => store.publish(new Routine('x'), { priority: Number.NaN }), /options\.priority.*finite number/);
    expect(() => DomainEvent('Broken', { priority: Infinity })).to.throw(/priority of event 'Broken'.*finite number/);
  });

  it('lets other streams go on while an event waits out a retry backoff', async () => {
    const store = await backend.open();
    let routineHandled!: () => void;
    const otherStreamHandled = new Promise<void>((resolve) => (routineHandled = resolve));
    // One slot, and a backoff far longer than the spec may run: the second stream's event can
    // only be handled if the waiting retry gave the slot back.
    @EventHandler('single-slot', { concurrency: 1, retry: { initialDelayMs: 600_000, maxDelayMs: 600_000, jitter: 0, maxAttempts: 2 } })
    class SingleSlot {
      readonly attempts: number[] = [];
      @On(Urgent)
      failing(_event: Urgent, { attempt }: HandlerContext): void {
        this.attempts.push(attempt);
        throw new Error('fails, then waits to retry');
      }
      @On(Routine)
      routine(): void {
        routineHandled();
      }
    }
    const handler = new SingleSlot();
    const dispatcher = await backend.dispatch(store, [handler], { logger: false });
    await store.publish(new Urgent('first'), { stream: { type: 'Job', id: 'a' } });
    await store.publish(new Routine('second'), { stream: { type: 'Job', id: 'b' } });
    await otherStreamHandled;
    expect(handler.attempts).to.deep.equal([1]);
    const [stats] = dispatcher.stats();
    expect(stats!.retried).to.equal(1);
    // stop() cuts the backoff short; the failing event stays unfinished for the next start.
    await dispatcher.stop();
    expect(dispatcher.stats()[0]!.checkpoint).to.equal(0);
  });
});

async function expectRejects(action: () => Promise<unknown>, message: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a rejection').to.be.instanceOf(Error);
  expect((caught as Error).message).to.match(message);
  expect((caught as { code?: string }).code).to.equal('EVENTFOLD_INVALID_ARGUMENT');
}
