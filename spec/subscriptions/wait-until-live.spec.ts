import { expect } from 'chai';
import { DomainEvent, EventHandler, InvalidArgumentError, On, SubscribersNotLiveError } from '../../lib';
import { forEachBackend } from '../support/backends';
import { expectRejection } from '../support/expect-rejection';

@DomainEvent('Beat')
class Beat {
  constructor(readonly n: number) {}
}

@EventHandler('beat-counter')
class BeatCounter {
  count = 0;
  @On(Beat) beat(event: Beat): void {
    if (event.n < 0) throw new Error('a negative beat');
    this.count++;
  }
}

forEachBackend('Dispatcher.waitUntilLive', (backend) => {
  it('waits past a standby until the other process lets go, where idle() does not wait at all', async () => {
    const first = await backend.open();
    const holder = await backend.dispatch(first, [new BeatCounter()], { processId: 'holder', logger: false });
    const second = await backend.reopen();
    const counter = new BeatCounter();
    const waiting = await backend.dispatch(second, [counter], { processId: 'waiting', leaseMs: 300, pollIntervalMs: 20, logger: false });
    for (let n = 1; n <= 3; n++) await first.publish(new Beat(n));
    await holder.idle();

    await waiting.idle();
    expect(counter.count).to.equal(0);
    expect(waiting.stats()[0]!.state).to.equal('standby');
    const error = await expectRejection(waiting.waitUntilLive({ timeoutMs: 100 }), SubscribersNotLiveError);
    expect(error.notLive).to.deep.equal([{ name: 'beat-counter', state: 'standby', heldBy: 'holder' }]);
    expect(error.message).to.contain("'beat-counter' is standby (process holder holds its lease)");

    await second.publish(new Beat(4));
    await holder.stop();
    await waiting.waitUntilLive({ timeoutMs: 10_000 });
    expect(waiting.stats()[0]).to.include({ state: 'live', checkpoint: 4 });
  });

  it('refuses to wait for a halted subscriber', async () => {
    const store = await backend.open();
    @EventHandler('halting-beats', { onFailure: 'halt', retry: { maxAttempts: 1 } })
    class HaltingBeats extends BeatCounter {}
    const dispatcher = await backend.dispatch(store, [new HaltingBeats()], { logger: false });
    await store.publish(new Beat(-1));
    await dispatcher.idle();
    const error = await expectRejection(dispatcher.waitUntilLive({ timeoutMs: 10_000 }), SubscribersNotLiveError);
    expect(error.notLive).to.deep.equal([{ name: 'halting-beats', state: 'halted' }]);
  });

  it("refuses a timeout longer than Node's timers take, naming the limit", async () => {
    const store = await backend.open();
    const dispatcher = await backend.dispatch(store, [new BeatCounter()], { logger: false });
    const error = await expectRejection(dispatcher.waitUntilLive({ timeoutMs: 2 ** 31 }), InvalidArgumentError);
    expect(error.message).to.match(/options\.timeoutMs: expected whole milliseconds from 0 to 2147483647, got 2147483648/);
  });
});
