import { expect } from 'chai';
import { DomainEvent, On, ProcessManager, type ProcessContext } from '../../lib';
import { forEachBackend } from '../support/backends';
import { deferred } from '../support/deferred';
import { slowDownCommits } from '../support/ordering-writers';

@DomainEvent('Tick')
class Tick {
  constructor(readonly n: number = 0) {}
}

@DomainEvent('Echo')
class Echo {
  constructor(readonly n: number = 0) {}
}

/** On every third tick: writes a table of its own first, then appends to two streams, then keeps state. */
@ProcessManager('echo', { correlationKey: () => 'all', batchSize: 5 })
class Echoes {
  @On(Tick)
  async tick(event: Tick, process: ProcessContext<{ echoed: number }>): Promise<void> {
    if (event.n % 3 !== 0) return;
    await process.db.insertInto('echo_notes').values({ n: event.n }).execute();
    // Other appends commit meanwhile, after this transaction's first write.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await process.store.append({ type: 'Echo', id: `left-${event.n % 2}` }, [new Echo(event.n)]);
    await process.store.append({ type: 'Echo', id: `right-${event.n % 2}` }, [new Echo(event.n), new Echo(event.n)]);
    process.state = { echoed: (process.state?.echoed ?? 0) + 1 };
  }
}

forEachBackend('Global order with process managers appending', (backend) => {
  it('lets a reader following the log see every event once, in order, while steps append in between their other writes', async function () {
    this.timeout(60_000);
    const store = await backend.open({ events: [Tick, Echo] });
    await store.db.schema.createTable('echo_notes').addColumn('n', 'integer').execute();
    if (backend.name === 'postgres') await slowDownCommits(store);
    const dispatcher = await backend.dispatch(store, [new Echoes()], { pollIntervalMs: 10 });
    const writers = 6;
    const appendsPerWriter = 30;
    let writing = writers;
    let reread = deferred();
    const write = async (writer: number) => {
      for (let n = 0; n < appendsPerWriter; n++) {
        await store.append({ type: 'Clock', id: `c-${writer}` }, [new Tick(writer * 1000 + n)]);
        await reread.promise;
      }
      writing--;
    };
    const seen: number[] = [];
    let done = false;
    const follow = async () => {
      while (!done) {
        for await (const recorded of store.readAll({ from: (seen.at(-1) ?? 0) + 1, pageSize: 7 })) seen.push(recorded.position);
        const next = reread;
        reread = deferred();
        next.resolve();
        await new Promise((resolve) => setTimeout(resolve, writing > 0 ? 0 : 5));
      }
    };
    const following = follow();
    await Promise.all(Array.from({ length: writers }, (_, writer) => write(writer)));
    await dispatcher.idle();
    await store.waitForReadable();
    const head = await store.headPosition();
    while (seen.at(-1) !== head) await new Promise((resolve) => setTimeout(resolve, 5));
    done = true;
    await following;

    const all: number[] = [];
    for await (const recorded of store.readAll()) all.push(recorded.position);
    expect(seen).to.deep.equal(all);
    const echoes = all.length - writers * appendsPerWriter;
    // 10 of each writer's 30 ticks are multiples of 3, each echoed as three events.
    expect(echoes).to.equal(writers * 10 * 3);
  });
});
