import { expect } from 'chai';
import { DomainEvent, EventHandler, On, type EventStore } from '../../lib';
import { EventFeed, HiddenEvent } from '../../lib/subscriptions/event-feed';
import { forEachBackend } from '../support/backends';
import { until } from '../support/until';

@DomainEvent('Sampled')
class Sampled {
  constructor(readonly value: number) {}
}

forEachBackend('A subscriber that falls behind', (backend) => {
  it('never blocks appends, buffers at most its buffer size, and still receives every event', async () => {
    const store = await backend.open();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let maxBuffered = 0;
    let calls = 0;
    @EventHandler('laggard', { bufferSize: 50 })
    class Laggard {
      readonly values: number[] = [];
      @On(Sampled)
      async sampled(event: Sampled): Promise<void> {
        calls++;
        await gate;
        this.values.push(event.value);
      }
    }
    const laggard = new Laggard();
    const dispatcher = await backend.dispatch(store, [laggard], { pageSize: 20 });
    const feed = (dispatcher as unknown as { runners: Array<{ feed: { size: number } }> }).runners[0]!;
    const started = Date.now();
    let appendMs: number;
    try {
      for (let batch = 0; batch < 40; batch++) {
        await store.append(
          { type: 'Sensor', id: `s-${batch % 3}` },
          Array.from({ length: 25 }, (_, n) => new Sampled(batch * 25 + n)),
        );
        maxBuffered = Math.max(maxBuffered, feed.feed.size);
      }
      appendMs = Date.now() - started;
      // The subscriber is stuck on its first event, and has been all along.
      await until(() => calls > 0, 'the subscriber was given no event');
      expect(calls).to.equal(1);
      // It does hold events in memory, up to its buffer size and no more.
      await until(() => feed.feed.size > 0, 'the subscriber held no events in memory');
      maxBuffered = Math.max(maxBuffered, feed.feed.size);
    } finally {
      release();
    }

    expect(maxBuffered).to.be.within(1, 50);
    expect(appendMs).to.be.below(10_000);
    await dispatcher.idle();
    expect(laggard.values).to.have.length(1000);
    expect([...laggard.values].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 1000 }, (_, n) => n));
    const [stats] = dispatcher.stats();
    expect(stats).to.include({ checkpoint: 1000, lag: 0, processed: 1000 });
  });

  /** Bob's events at positions 1 and 502, an archived stream of 500 events between them. */
  async function logWithLongArchivedStream(store: EventStore): Promise<void> {
    await store.append({ type: 'Sensor', id: 'bob' }, [new Sampled(0)]);
    await store.append(
      { type: 'Sensor', id: 'archived' },
      Array.from({ length: 500 }, (_, n) => new Sampled(n + 1)),
    );
    await store.append({ type: 'Sensor', id: 'bob' }, [new Sampled(501)]);
    await store.archiveStream({ type: 'Sensor', id: 'archived' });
    await store.waitForReadable();
  }

  it('reads no more than a page of the log when the page holds only events of an archived stream', async () => {
    const store = await backend.open();
    await logWithLongArchivedStream(store);
    const feed = new EventFeed(store, 0, 50, 20);
    const visible: number[] = [];
    let largest = 0;
    let last = 0;
    while (feed.isBehind) {
      await feed.fill();
      largest = Math.max(largest, feed.size);
      for (let recorded = feed.next(); recorded; recorded = feed.next()) {
        last = recorded.position;
        if (!(recorded.event instanceof HiddenEvent)) visible.push(recorded.position);
      }
    }

    expect(largest).to.equal(20);
    expect(visible).to.deep.equal([1, 502]);
    expect(last).to.equal(502);
  });

  it('catches up past a long archived stream a page at a time, with every other event and its checkpoint at the head', async () => {
    const store = await backend.open();
    await logWithLongArchivedStream(store);
    @EventHandler('archive-skipper', { bufferSize: 10 })
    class ArchiveSkipper {
      readonly values: number[] = [];
      @On(Sampled) sampled(event: Sampled): void {
        this.values.push(event.value);
      }
    }
    const skipper = new ArchiveSkipper();
    const dispatcher = await backend.dispatch(store, [skipper], { pageSize: 5 });
    await dispatcher.idle();

    expect(skipper.values).to.deep.equal([0, 501]);
    expect(dispatcher.stats()[0]).to.include({ checkpoint: 502, lag: 0, processed: 2 });
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
    await until(() => watcher.values.length > 0, "the other store's append was not picked up");
    expect(watcher.values).to.deep.equal([7]);
  });
});
