import { expect } from 'chai';
import {
  Dispatcher,
  DomainEvent,
  EventHandler,
  InvalidArgumentError,
  On,
  Projection,
  SegmentsChangedError,
  type EventStore,
  type HandlerContext,
  type ProjectionContext,
} from '../../lib';
import type { RunnerEnvironment } from '../../lib/subscriptions/runner/runner-environment';
import { LeaseKeeper } from '../../lib/subscriptions/runner/lease-keeper';
import { SegmentGroup } from '../../lib/subscriptions/segments/segment-group';
import { segmentOfStream } from '../../lib/subscriptions/segments/segments';
import { forEachBackend } from '../support/backends';
import { deferred } from '../support/deferred';
import { expectRejection } from '../support/expect-rejection';
import { until } from '../support/until';

@DomainEvent('Tick')
class Tick {
  constructor(
    readonly stream: string,
    readonly n: number,
  ) {}
}

/** Appends `perStream` ticks to each of `streams` streams, the streams taking turns. */
async function appendTicks(store: EventStore, streams: number, perStream: number, from = 0): Promise<void> {
  for (let n = from; n < from + perStream; n++) {
    for (let s = 0; s < streams; s++) await store.append({ type: 'Clock', id: `clock-${s}` }, [new Tick(`clock-${s}`, n)]);
  }
}

/** A handler split into `segments`, recording what it saw and which process saw it. */
function tallyHandler(segments: number, seen: Array<{ stream: string; n: number; by: string }>, by: string, options: object = {}) {
  @EventHandler('tally', { segments, concurrency: 2, ...options })
  class Tally {
    @On(Tick) tick(event: Tick, _context: HandlerContext): void {
      if (event.n < 0) throw new Error(`tick ${event.n} is refused`);
      seen.push({ stream: event.stream, n: event.n, by });
    }
  }
  return new Tally();
}

const held = (dispatcher: Dispatcher) => dispatcher.stats().filter((stats) => stats.state !== 'standby').length;

forEachBackend('Subscribers split into segments', (backend) => {
  it('send each stream to one segment, in order, and every event to the handler once', async () => {
    const store = await backend.open({ events: [Tick] });
    const seen: Array<{ stream: string; n: number; by: string }> = [];
    const dispatcher = await backend.dispatch(store, [tallyHandler(3, seen, 'only')]);
    await appendTicks(store, 6, 10);
    await dispatcher.idle();

    expect(dispatcher.subscriberNames).to.deep.equal(['tally[1/3]', 'tally[2/3]', 'tally[3/3]']);
    expect(seen).to.have.length(60);
    for (let s = 0; s < 6; s++) {
      expect(seen.filter((tick) => tick.stream === `clock-${s}`).map((tick) => tick.n)).to.deep.equal([...Array(10).keys()]);
    }
    const expected = [0, 1, 2].map((segment) => 10 * [...Array(6).keys()].filter((s) => segmentOfStream('Clock', `clock-${s}`, 3) === segment).length);
    expect(dispatcher.stats().map((stats) => stats.processed)).to.deep.equal(expected);
    expect(dispatcher.stats().map((stats) => stats.checkpoint)).to.deep.equal([60, 60, 60]);
  });

  it('share their segments between processes, and one takes all of them over when the other stops', async () => {
    const store = await backend.open({ events: [Tick] });
    const other = await backend.reopen({ events: [Tick] });
    const seen: Array<{ stream: string; n: number; by: string }> = [];
    const options = { leaseMs: 300, pollIntervalMs: 20 };
    const first = await backend.dispatch(store, [tallyHandler(4, seen, 'first')], { ...options, processId: 'first' });
    expect(held(first)).to.equal(4);
    const second = await backend.dispatch(other, [tallyHandler(4, seen, 'second')], { ...options, processId: 'second' });
    await until(() => held(first) === 2 && held(second) === 2, 'the segments were not shared two and two');

    await appendTicks(store, 8, 5);
    await until(() => seen.length >= 40, 'not every tick was handled');
    // Each process has finished every event of its segments and saved their checkpoints: any
    // event delivered twice would be in by now.
    await Promise.all([first.idle(), second.idle()]);
    expect(seen).to.have.length(40);
    expect(new Set(seen.map((tick) => tick.by))).to.deep.equal(new Set(['first', 'second']));
    for (let s = 0; s < 8; s++) {
      const ticks = seen.filter((tick) => tick.stream === `clock-${s}`);
      expect(ticks.map((tick) => tick.n)).to.deep.equal([0, 1, 2, 3, 4]);
      // A stream's events all went to the process running its segment.
      expect(new Set(ticks.map((tick) => tick.by)).size).to.equal(1);
    }

    await second.stop();
    await until(() => held(first) === 4, 'the remaining process did not take every segment over');
    await appendTicks(store, 8, 1, 5);
    await until(() => seen.length >= 48, 'ticks after the hand-over were not handled');
    await first.idle();
    expect(seen.slice(40).map((tick) => [tick.stream, tick.n, tick.by])).to.have.deep.members([...Array(8).keys()].map((s) => [`clock-${s}`, 5, 'first']));
  });

  it('rebuild a projection split into segments into its one read model', async () => {
    const store = await backend.open({ events: [Tick] });
    await store.db.schema
      .createTable('tick_counts')
      .addColumn('stream', 'text', (column) => column.primaryKey())
      .addColumn('ticks', 'integer', (column) => column.notNull())
      .execute();
    type Counts = { tick_counts: { stream: string; ticks: number } };
    @Projection('tick-counts', { segments: 2, batchSize: 7 })
    class TickCounts {
      @On(Tick) async tick(event: Tick, { db }: ProjectionContext<Counts>): Promise<void> {
        await db
          .insertInto('tick_counts')
          .values({ stream: event.stream, ticks: 1 })
          .onConflict((conflict) => conflict.column('stream').doUpdateSet((eb) => ({ ticks: eb('tick_counts.ticks', '+', 1) })))
          .execute();
      }
      async reset(db: ProjectionContext<Counts>['db']): Promise<void> {
        await db.deleteFrom('tick_counts').execute();
      }
    }
    const counts = async () =>
      (
        (await store.db
          .selectFrom('tick_counts' as never)
          .selectAll()
          .orderBy('stream' as never)
          .execute()) as Array<{ stream: string; ticks: number }>
      ).map((row) => [row.stream, Number(row.ticks)]);
    const dispatcher = await backend.dispatch(store, [new TickCounts()]);
    await appendTicks(store, 5, 6);
    await dispatcher.idle();
    const live = await counts();
    expect(live).to.deep.equal([0, 1, 2, 3, 4].map((s) => [`clock-${s}`, 6]));

    const reports: number[] = [];
    const result = await dispatcher.rebuild('tick-counts', { onProgress: (progress) => reports.push(progress.done), progressIntervalMs: 0, batchSize: 4 });

    expect(result).to.include({ done: 30, total: 30 });
    expect(reports[reports.length - 1]).to.equal(30);
    expect(await counts()).to.deep.equal(live);
    expect(dispatcher.stats().map((stats) => [stats.name, stats.checkpoint])).to.deep.equal([
      ['tick-counts[1/2]', 30],
      ['tick-counts[2/2]', 30],
    ]);
    const single = await expectRejection(dispatcher.rebuild('tick-counts[2/2]'), InvalidArgumentError);
    expect(single.message).to.contain("rebuild 'tick-counts'");
  });

  it('carry checkpoints and dead letters over when the number of segments changes', async () => {
    const store = await backend.open({ events: [Tick] });
    const seen: Array<{ stream: string; n: number; by: string }> = [];
    const park = { retry: { maxAttempts: 1 } };
    const before = await Dispatcher.start(store, [tallyHandler(2, seen, 'two', park)], { logger: false });
    await appendTicks(store, 4, 3);
    await store.append({ type: 'Clock', id: 'clock-1' }, [new Tick('clock-1', -1)]);
    await before.idle();
    await before.stop();
    expect(seen).to.have.length(12);
    const [letter] = await store.db.selectFrom('eventfold_dead_letters').select(['subscriber', 'position']).execute();

    const after = await backend.dispatch(store, [tallyHandler(3, seen, 'three', park)]);
    await after.idle();

    // Nothing delivered again: every old segment had finished the whole log.
    expect(seen).to.have.length(12);
    const names = (await store.db.selectFrom('eventfold_subscriptions').select('name').orderBy('name').execute()).map((row) => row.name);
    expect(names).to.deep.equal(['tally[1/3]', 'tally[2/3]', 'tally[3/3]']);
    const moved = await after.deadLetters('tally');
    expect(moved.map((dead) => [dead.subscriber, dead.position])).to.deep.equal([[`tally[${segmentOfStream('Clock', 'clock-1', 3) + 1}/3]`, Number(letter!.position)]]);
    expect(letter!.subscriber).to.equal(`tally[${segmentOfStream('Clock', 'clock-1', 2) + 1}/2]`);
    await appendTicks(store, 4, 1, 3);
    await after.idle();
    expect(seen.slice(12).map((tick) => tick.n)).to.deep.equal([3, 3, 3, 3]);
  });

  it('refuse to change the number while another process runs the old one, or where a projection would apply events twice', async () => {
    const store = await backend.open({ events: [Tick] });
    const seen: Array<{ stream: string; n: number; by: string }> = [];
    await backend.dispatch(store, [tallyHandler(2, seen, 'old')], { processId: 'old-process' });
    const other = await backend.reopen({ events: [Tick] });
    const busy = await expectRejection(Dispatcher.start(other, [tallyHandler(3, seen, 'new')], { processId: 'new-process' }), SegmentsChangedError);
    expect(busy.message).to.match(/last ran in 2 segments, and is now started with 3: process old-process still runs 'tally\[\d\/2\]'/);

    @Projection('ledger', { segments: 2 })
    class Ledger {
      @On(Tick) tick(): void {}
    }
    const ledger = await Dispatcher.start(other, [new Ledger()]);
    await appendTicks(other, 4, 2);
    await ledger.idle();
    await ledger.stop();
    // As after a crash in the middle: one segment's checkpoint is behind the other's.
    await other.db.updateTable('eventfold_subscriptions').set({ position: 3 }).where('name', '=', 'ledger[1/2]').execute();
    @Projection('ledger', { segments: 1 })
    class WholeLedger {
      @On(Tick) tick(): void {}
    }
    const uneven = await expectRejection(Dispatcher.start(other, [new WholeLedger()]), SegmentsChangedError);
    expect(uneven.message).to.contain('ledger[1/2] at 3, ledger[2/2] at 8').and.to.contain('exactly once');
  });

  it('reject a number of segments that is not a whole number from 1 to 1024', async () => {
    const store = await backend.open({ events: [Tick] });
    for (const segments of [0, 1.5, 2000]) {
      const error = await expectRejection(Dispatcher.start(store, [tallyHandler(segments, [], 'bad')]), InvalidArgumentError);
      expect(error.message).to.contain("segments of subscriber 'tally'");
    }
  });
});

describe('Segment leases taken by one process', () => {
  /** A group of three segments shared by three processes (a fair share of one), whose leases `acquire` answers for. */
  async function groupOfThree(acquire: (name: string) => Promise<boolean>) {
    const env = {
      owner: 'this-process',
      leaseMs: 1000,
      onError: (error: unknown) => {
        throw error;
      },
      subscriptions: { renewMembership: async () => 3, leaveMembership: async () => undefined, acquireLease: acquire },
    } as unknown as RunnerEnvironment;
    const group = new SegmentGroup(env, 'tally', 3);
    await group.join();
    const keepers = [1, 2, 3].map((n) => new LeaseKeeper(env, `tally[${n}/3]`, group));
    for (const keeper of keepers) group.add(keeper);
    return { group, keepers };
  }

  it('takes a free segment even while a sibling is still trying for a lease another process holds', async () => {
    const heldElsewhere = deferred<boolean>();
    const { group, keepers } = await groupOfThree(async (name) => (name === 'tally[1/3]' ? heldElsewhere.promise : true));
    try {
      // Their renewals fall due together: the second tries while the first still waits for its answer.
      const first = keepers[0]!.tryTake();
      const second = keepers[1]!.tryTake();
      heldElsewhere.resolve(false);

      expect([await first, await second]).to.deep.equal([false, true]);
      expect(keepers.map((keeper) => keeper.claimed)).to.deep.equal([false, true, false]);
    } finally {
      await group.leave();
    }
  });

  it('takes no more free segments than its fair share when they are tried at the same moment', async () => {
    const { group, keepers } = await groupOfThree(async () => true);
    try {
      const taken = await Promise.all(keepers.map((keeper) => keeper.tryTake()));

      expect(taken).to.deep.equal([true, false, false]);
      expect(keepers.map((keeper) => keeper.claimed)).to.deep.equal([true, false, false]);
    } finally {
      await group.leave();
    }
  });
});
