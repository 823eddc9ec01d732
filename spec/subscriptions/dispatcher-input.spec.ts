import { expect } from 'chai';
import {
  DeadLetterNotFoundError,
  Dispatcher,
  DispatcherStoppedError,
  DomainEvent,
  DuplicateSubscriberError,
  EventHandler,
  InvalidArgumentError,
  On,
  Projection,
  UnregisteredSubscriberError,
} from '../../lib';
import { forEachBackend } from '../support/backends';
import { expectRejection } from '../support/expect-rejection';

@DomainEvent('Pinged')
class Pinged {}

@EventHandler('pinger')
class Pinger {
  @On(Pinged) pinged(): void {}
}

forEachBackend('Bad input to the dispatcher', (backend) => {
  it('rejects an object that is not a subscriber, naming its class', async () => {
    const store = await backend.open();
    class Plain {}
    const error = await expectRejection(Dispatcher.start(store, [new Plain()]), UnregisteredSubscriberError);
    expect(error.message).to.contain('Plain is not a subscriber').and.contain('@EventHandler');
  });

  it('rejects two subscribers with one name', async () => {
    const store = await backend.open();
    const error = await expectRejection(Dispatcher.start(store, [new Pinger(), new Pinger()]), DuplicateSubscriberError);
    expect(error.subscriber).to.equal('pinger');
  });

  it('rejects a subscriber without @On methods and options out of range, naming the subscriber', async () => {
    const store = await backend.open();
    @Projection('empty')
    class Empty {}
    await expectRejection(Dispatcher.start(store, [new Empty()]), InvalidArgumentError);
    @EventHandler('crowded', { concurrency: 0 })
    class Crowded {
      @On(Pinged) pinged(): void {}
    }
    const crowded = await expectRejection(Dispatcher.start(store, [new Crowded()]), InvalidArgumentError);
    expect(crowded.argument).to.equal("concurrency of subscriber 'crowded'");
    @EventHandler('strange', { onFailure: 'ignore' as never })
    class Strange {
      @On(Pinged) pinged(): void {}
    }
    await expectRejection(Dispatcher.start(store, [new Strange()]), InvalidArgumentError);
    await expectRejection(Dispatcher.start(store, [new Pinger()], { leaseMs: 0 }), InvalidArgumentError);
    expect(() => On(undefined as never)).to.throw(InvalidArgumentError);
    expect(() => EventHandler('')).to.throw(InvalidArgumentError);
  });

  it('checks every option before any subscriber starts, naming the option', async () => {
    const store = await backend.open();
    const cases: Array<[unknown, string]> = [
      [null, 'options'],
      [{ pollIntervalMs: 0 }, 'options.pollIntervalMs'],
      [{ pageSize: '10' }, 'options.pageSize'],
      [{ processId: {} }, 'options.processId'],
      [{ processId: '' }, 'options.processId'],
      [{ logger: { info: () => undefined } }, 'options.logger'],
      [{ onError: 'log' }, 'options.onError'],
      [{ horizonStallWarnMs: 0 }, 'options.horizonStallWarnMs'],
      [{ horizonStallWarnMs: 2.5 }, 'options.horizonStallWarnMs'],
    ];
    for (const [options, argument] of cases) {
      const error = await expectRejection(Dispatcher.start(store, [new Pinger()], options as never), InvalidArgumentError);
      expect(error.argument).to.equal(argument);
    }
    await expectRejection(Dispatcher.start({} as never, [new Pinger()]), InvalidArgumentError);
    // Nothing started: no subscriber row was even created.
    expect(await store.db.selectFrom('eventfold_subscriptions').selectAll().execute()).to.deep.equal([]);
  });

  it('stops a running dispatcher when its store closes, saving its checkpoint, with no errors', async () => {
    const store = await backend.open();
    const errors: unknown[] = [];
    const dispatcher = await Dispatcher.start(store, [new Pinger()], { onError: (error) => errors.push(error), pollIntervalMs: 5, leaseMs: 150 });
    await store.publish(new Pinged());
    await dispatcher.idle();
    await store.close();
    expect(dispatcher.stats()[0]!.state).to.equal('stopped');
    // Nothing announces that nothing more will happen: give any timer the dispatcher left behind
    // (polls every 5 ms, lease renewals every 50 ms) time to fire against the closed store.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(errors).to.deep.equal([]);
    const reopened = await backend.reopen();
    const saved = await reopened.db.selectFrom('eventfold_subscriptions').selectAll().executeTakeFirstOrThrow();
    expect(saved).to.include({ name: 'pinger', status: 'stopped', lease_owner: null });
    expect(Number(saved.position)).to.equal(1);
  });

  it('refuses work after stop, and rejects unknown dead-letter ids', async () => {
    const store = await backend.open();
    const dispatcher = await backend.dispatch(store, [new Pinger()]);
    const missing = await expectRejection(dispatcher.retryDeadLetter(42), DeadLetterNotFoundError);
    expect(missing).to.include({ code: 'EVENTFOLD_DEAD_LETTER_NOT_FOUND', id: 42 });
    expect(missing.message).to.equal('No dead letter has id 42. There are no dead letters now. List them with dispatcher.deadLetters().');
    expect(() => dispatcher.resume('nobody')).to.throw(/Known subscribers: pinger/);
    await dispatcher.stop();
    await expectRejection(dispatcher.idle(), DispatcherStoppedError);
  });
});
