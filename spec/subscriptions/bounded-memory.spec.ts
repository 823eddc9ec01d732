import { expect } from 'chai';
import { DomainEvent, EventHandler, On } from '../../lib';
import { forEachBackend } from '../support/backends';

@DomainEvent('Sampled')
class Sampled {
  constructor(readonly value: number) {}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

forEachBackend('A subscriber that falls behind', (backend) => {
  it('never blocks appends, buffers at most its buffer size, and still receives every event', async () => {
    const store = await backend.open();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let maxBuffered = 0;
    @EventHandler('laggard', { bufferSize: 50 })
    class Laggard {
      readonly values: number[] = [];
      @On(Sampled)
      async sampled(event: Sampled): Promise<void> {
        await gate;
        this.values.push(event.value);
      }
    }
    const laggard = new Laggard();
    const dispatcher = await backend.dispatch(store, [laggard], { pageSize: 20 });
    const feed = (dispatcher as unknown as { runners: Array<{ feed: { size: number } }> }).runners[0]!;
    const started = Date.now();
    for (let batch = 0; batch < 40; batch++) {
      await store.append({ type: 'Sensor', id: `s-${batch % 3}` }, Array.from({ length: 25 }, (_, n) => new Sampled(batch * 25 + n)));
      maxBuffered = Math.max(maxBuffered, feed.feed.size);
    }
    const appendMs = Date.now() - started;

    expect(laggard.values).to.deep.equal([]);
    expect(maxBuffered).to.be.at.most(50);
    expect(appendMs).to.be.below(10_000);
    release();
    await dispatcher.idle();
    expect(laggard.values).to.have.length(1000);
    expect([...laggard.values].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 1000 }, (_, n) => n));
    const [stats] = dispatcher.stats();
    expect(stats).to.include({ checkpoint: 1000, lag: 0, processed: 1000 });
  });

  it('picks up appends made by another store on the same database by polling', async () => {
    const store = await backend.open();
    @EventHandler('watcher')
    class Watcher {
      readonly values: number[] = [];
      @On(Sampled) sampled(event: Sampled): void {
        this.values.push(event.value);
      }
    }
    const watcher = new Watcher();
    await backend.dispatch(store, [watcher], { pollIntervalMs: 20 });
    const other = await backend.reopen();
    await other.append({ type: 'Sensor', id: 'x' }, [new Sampled(7)]);
    for (let waited = 0; watcher.values.length === 0 && waited < 2000; waited += 10) await sleep(10);
    expect(watcher.values).to.deep.equal([7]);
  });
});
