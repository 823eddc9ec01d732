import { expect } from 'chai';
import { Dispatcher, DomainEvent, EventHandler, EventStore, InvalidArgumentError, On, type HandlerContext, type RecordedEvent, type StartPosition } from '../../lib';
import { bindSubscriber, splitIntoSegments } from '../../lib/subscriptions/bound-subscriber';
import { ensureStartCheckpoints } from '../../lib/subscriptions/start-checkpoint';
import { SubscriptionStore } from '../../lib/subscriptions/subscription-store';
import { dropSchemas, forEachBackend, postgresUrlOrReportSkip, uniqueSchema } from '../support/backends';
import { holdTransaction, type OpenTransaction } from '../support/open-transaction';
import { expectRejection } from '../support/expect-rejection';

@DomainEvent('StartSpecNoted')
class Noted {
  constructor(readonly n: number = 0) {}
}

/** A handler named `name` that starts where `startFrom` says and notes the positions it receives. */
function notebook(startFrom: StartPosition, options: { name?: string; segments?: number } = {}) {
  @EventHandler(options.name ?? 'notebook', { startFrom, segments: options.segments ?? 1 })
  class Notebook {
    readonly positions: number[] = [];

    @On(Noted) noted(_event: Noted, { position }: HandlerContext): void {
      this.positions.push(position);
    }
  }
  return new Notebook();
}

/** Appends `count` events, each to a stream of its own, and returns them as recorded. */
async function note(store: EventStore, count: number): Promise<RecordedEvent[]> {
  const recorded: RecordedEvent[] = [];
  for (let n = 0; n < count; n++) {
    const { events } = await store.append({ type: 'Page', id: `page-${recorded.length}-${Math.random().toString(36).slice(2)}` }, [new Noted(n)]);
    recorded.push(...events);
  }
  return recorded;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, n) => from + n);

/** Waits until the store's clock has moved past `time`, so that the next append is recorded after it. */
async function afterMoment(time: Date): Promise<void> {
  while (Date.now() <= time.getTime() + 1) await new Promise((resolve) => setImmediate(resolve));
}

forEachBackend('Subscriber start positions', (backend) => {
  async function runToIdle(store: EventStore, subscriber: object): Promise<Dispatcher> {
    const dispatcher = await backend.dispatch(store, [subscriber]);
    await dispatcher.idle();
    return dispatcher;
  }

  it("'beginning' delivers the whole log, the default", async () => {
    const store = await backend.open();
    await note(store, 3);
    const fromStart = notebook('beginning');

    await runToIdle(store, fromStart);

    expect(fromStart.positions).to.deep.equal([1, 2, 3]);
  });

  it("'now' delivers only what is appended after the first start", async () => {
    const store = await backend.open();
    await note(store, 3);
    const fromNow = notebook('now');
    const dispatcher = await runToIdle(store, fromNow);
    await note(store, 2);
    await dispatcher.idle();

    expect(fromNow.positions).to.deep.equal([4, 5]);
  });

  it('{ position } delivers the event at that position first, and everything after it', async () => {
    const store = await backend.open();
    await note(store, 6);
    const fromFour = notebook({ position: 4 });
    const dispatcher = await runToIdle(store, fromFour);
    await note(store, 1);
    await dispatcher.idle();

    expect(fromFour.positions).to.deep.equal([4, 5, 6, 7]);
  });

  it('{ position } beyond the head waits for the event at that position', async () => {
    const store = await backend.open();
    await note(store, 2);
    const fromFive = notebook({ position: 5 });
    const dispatcher = await runToIdle(store, fromFive);
    await note(store, 4);
    await dispatcher.idle();

    expect(fromFive.positions).to.deep.equal([5, 6]);
  });

  it('{ time } delivers the first event recorded at or after that moment, and everything after it', async () => {
    const store = await backend.open();
    const before = await note(store, 3);
    await afterMoment(before[2]!.recordedAt);
    const after = await note(store, 2);
    expect(after[0]!.recordedAt.getTime(), 'the second append was recorded later').to.be.greaterThan(before[2]!.recordedAt.getTime());
    const since = notebook({ time: after[0]!.recordedAt });

    await runToIdle(store, since);

    expect(since.positions).to.deep.equal([4, 5]);
  });

  it('{ time } before every event delivers the whole log; after every event, what is appended from then on', async () => {
    const store = await backend.open();
    await note(store, 3);
    const early = notebook({ time: new Date('2000-01-01T00:00:00Z') }, { name: 'early' });
    const late = notebook({ time: new Date('9999-01-01T00:00:00Z') }, { name: 'late' });
    const dispatcher = await backend.dispatch(store, [early, late]);
    await note(store, 1);
    await dispatcher.idle();

    expect(early.positions).to.deep.equal([1, 2, 3, 4]);
    expect(late.positions).to.deep.equal([4]);
  });

  it('a stored checkpoint wins over startFrom: a subscriber that ran carries on from where it stopped', async () => {
    const store = await backend.open();
    await note(store, 3);
    const first = await runToIdle(store, notebook('beginning'));
    await first.stop();
    await note(store, 2);
    const restartedAtHead = notebook('now');
    const restartedAtOne = notebook({ position: 1 }, { name: 'other' });

    const second = await backend.dispatch(store, [restartedAtHead]);
    await second.idle();
    await second.stop();

    expect(restartedAtHead.positions).to.deep.equal([4, 5]);
    // A name that never ran is a new subscriber, and starts where it says.
    await runToIdle(store, restartedAtOne);
    expect(restartedAtOne.positions).to.deep.equal(range(1, 5));
  });

  it('starts every segment of a split subscriber at the same position, and delivers each event once', async () => {
    const store = await backend.open();
    await note(store, 8);
    const split = notebook({ position: 5 }, { segments: 3 });
    const dispatcher = await runToIdle(store, split);
    await note(store, 2);
    await dispatcher.idle();

    expect([...split.positions].sort((a, b) => a - b)).to.deep.equal(range(5, 10));
    const rows = await new SubscriptionStore(store.backend).list();
    expect(rows.map((row) => row.name)).to.deep.equal(['notebook[1/3]', 'notebook[2/3]', 'notebook[3/3]']);
  });

  it("starts a segment that another process starts later where its siblings started, though 'now' moved on", async () => {
    const store = await backend.open();
    await note(store, 3);
    const [first, second] = splitIntoSegments(bindSubscriber(notebook('now', { segments: 2 })));
    const subscriptions = new SubscriptionStore(store.backend);
    const env = { store, subscriptions };

    await ensureStartCheckpoints(env, first!);
    await note(store, 2);
    await ensureStartCheckpoints(env, second!);

    expect((await subscriptions.list()).map(({ name, position }) => ({ name, position }))).to.deep.equal([
      { name: 'notebook[1/2]', position: 3 },
      { name: 'notebook[2/2]', position: 3 },
    ]);
  });

  it('refuses a start position it cannot use, naming the subscriber, before anything starts', async () => {
    const store = await backend.open();
    const cases: Array<[unknown, RegExp]> = [
      ['end', /Invalid startFrom of subscriber 'notebook': expected 'beginning', 'now', \{ position: n \} or \{ time: date \}, got "end"\./],
      [{ position: 0 }, /Invalid startFrom of subscriber 'notebook'\.position: expected a position of the log, a whole number >= 1, got 0\./],
      [{ position: 2.5 }, /got 2\.5\./],
      [{ time: new Date(Number.NaN) }, /Invalid startFrom of subscriber 'notebook'\.time: expected a valid Date/],
      [{ time: '2026-01-01' }, /\.time: expected a valid Date, got "2026-01-01"/],
      [{ position: 1, time: new Date() }, /\(one key\), got an object with 'position', 'time'\./],
      [[], /got an array\./],
    ];
    for (const [startFrom, message] of cases) {
      const error = await expectRejection(Dispatcher.start(store, [notebook(startFrom as StartPosition)], { logger: false }), InvalidArgumentError);
      expect(error.message, JSON.stringify(startFrom)).to.match(message);
    }
    expect(await new SubscriptionStore(store.backend).list()).to.deep.equal([]);
  });
});

const url = postgresUrlOrReportSkip();
if (url) {
  describe('Subscriber start positions on PostgreSQL, behind a transaction left open', function () {
    this.timeout(60_000);
    const schema = uniqueSchema();
    let store: EventStore | undefined;
    let open: OpenTransaction | undefined;
    afterEach(async () => {
      await open?.end();
      await store?.close();
    });
    after(() => dropSchemas(url, [schema]));

    it('delivers the events from the position or time given that became readable only after the start, and nothing before them', async () => {
      store = await EventStore.open({ postgres: url, schema });
      const before = await note(store, 2);
      await afterMoment(before[1]!.recordedAt);
      // Events appended while this transaction is open commit, but no reader sees them until it ends.
      open = await holdTransaction(url);
      const waiting = await note(store, 2);
      const fromThree = notebook({ position: 3 }, { name: 'from-three' });
      const since = notebook({ time: waiting[0]!.recordedAt }, { name: 'since' });
      const fromNow = notebook('now', { name: 'from-now' });
      const dispatcher = await Dispatcher.start(store, [fromThree, since, fromNow], { logger: false });
      try {
        await open.commit();
        await note(store, 1);
        await dispatcher.idle();
      } finally {
        await dispatcher.stop();
      }

      expect(fromThree.positions).to.deep.equal([3, 4, 5]);
      expect(since.positions).to.deep.equal([3, 4, 5]);
      expect(fromNow.positions).to.deep.equal([5]);
    });
  });
}
