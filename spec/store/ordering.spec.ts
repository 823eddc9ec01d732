import { expect } from 'chai';
import { DomainEvent } from '../../lib';
import { forEachBackend } from '../support/backends';
import { deferred } from '../support/deferred';

@DomainEvent('Counted')
class Counted {
  constructor(readonly n: number) {}
}

forEachBackend('Global order under concurrent appends', (backend) => {
  it('lets a reader following the log see every event exactly once, in position order', async function () {
    this.timeout(60_000);
    const store = await backend.open({ events: [Counted] });
    const writers = 6;
    const appendsPerWriter = 40;
    let writing = writers;
    const appended: number[] = [];
    // Ends when the reader has read the log once more. Each writer waits for it after each
    // append, so that the reader reads while the others append rather than after they are done.
    let reread = deferred();
    const write = async (writer: number) => {
      for (let n = 0; n < appendsPerWriter; n++) {
        const size = 1 + ((writer + n) % 4);
        const stream = { type: 'Counter', id: `c-${(writer * 7 + n) % 5}` };
        const { events } = await store.append(
          stream,
          Array.from({ length: size }, () => new Counted(n)),
        );
        appended.push(...events.map((event) => event.position));
        await reread.promise;
      }
      writing--;
    };
    const seen: number[] = [];
    let readsWhileWriting = 0;
    const follow = async () => {
      // Reads again and again from just after the last position seen, as a subscriber does.
      while (writing > 0 || seen.length < appended.length) {
        const before = seen.length;
        for await (const recorded of store.readAll({ from: (seen[seen.length - 1] ?? 0) + 1, pageSize: 7 })) seen.push(recorded.position);
        if (writing > 0 && seen.length > before) readsWhileWriting++;
        const done = reread;
        reread = deferred();
        done.resolve();
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await Promise.all([...Array.from({ length: writers }, (_, writer) => write(writer)), follow()]);

    expect(readsWhileWriting, 'reads that found new events while the writers were appending').to.be.greaterThan(0);
    expect(seen.length).to.equal(appended.length);
    expect(new Set(seen).size).to.equal(seen.length);
    expect(seen).to.deep.equal([...seen].sort((a, b) => a - b));
    expect([...seen].sort((a, b) => a - b)).to.deep.equal([...appended].sort((a, b) => a - b));
  });
});
