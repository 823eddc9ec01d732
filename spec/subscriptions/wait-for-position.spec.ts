import { expect } from 'chai';
import {
  DispatcherStoppedError,
  DomainEvent,
  EventHandler,
  InvalidArgumentError,
  On,
  PositionNotReachedError,
  Projection,
  UnknownSubscriberError,
  type HandlerContext,
  type ProjectionContext,
} from '../../lib';
import { forEachBackend } from '../support/backends';
import { Order, OrderFilled, OrderPlaced } from '../support/domain';
import { deferred, type Deferred } from '../support/deferred';
import { expectRejection } from '../support/expect-rejection';

@DomainEvent('Tick')
class Tick {
  constructor(
    readonly n: number,
    readonly fail = false,
  ) {}
}

/** Records each tick; a tick numbered `holdAt` waits for `gate` first, and says so through `reached`. */
@EventHandler('tick-recorder')
class TickRecorder {
  readonly seen: number[] = [];
  readonly reached: Deferred = deferred();
  readonly gate: Deferred = deferred();

  constructor(private readonly holdAt = 0) {}

  @On(Tick)
  async tick(event: Tick): Promise<void> {
    if (event.n === this.holdAt) {
      this.reached.resolve();
      await this.gate.promise;
    }
    if (event.fail) throw new Error(`tick ${event.n} is broken`);
    this.seen.push(event.n);
  }
}

@EventHandler('other-recorder')
class OtherRecorder extends TickRecorder {}

@EventHandler('halting-recorder', { onFailure: 'halt', retry: { maxAttempts: 1 } })
class HaltingRecorder extends TickRecorder {}

type TickTables = { tick_totals: { id: string; total: number } };

/** Sums the ticks in one row, split into two segments. */
@Projection('tick-totals', { segments: 2 })
class TickTotals {
  @On(Tick)
  async tick(event: Tick, { db }: ProjectionContext<TickTables>): Promise<void> {
    await db
      .insertInto('tick_totals')
      .values({ id: 'all', total: event.n })
      .onConflict((conflict) => conflict.column('id').doUpdateSet((eb) => ({ total: eb('tick_totals.total', '+', event.n) })))
      .execute();
  }
}

/** The volumes of orders, as their events arrive. */
@EventHandler('order-volumes')
class OrderVolumes {
  readonly volumes = new Map<string, number>();

  @On(OrderPlaced)
  placed(event: OrderPlaced): void {
    this.volumes.set(event.orderId, 0);
  }

  @On(OrderFilled)
  filled(event: OrderFilled, { recorded }: HandlerContext): void {
    this.volumes.set(recorded.streamId, (this.volumes.get(recorded.streamId) ?? 0) + event.volume);
  }
}

const ticks = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => new Tick(from + index));

forEachBackend('Dispatcher.waitFor', (backend) => {
  it('resolves once the subscriber has finished the events an append returned, and not before', async () => {
    const store = await backend.open();
    const recorder = new TickRecorder(3);
    const dispatcher = await backend.dispatch(store, [recorder]);
    const appended = await store.append({ type: 'Clock', id: 'c-1' }, ticks(1, 4));
    const seenWhenResolved = dispatcher.waitFor(appended).then(() => [...recorder.seen]);
    await recorder.reached.promise;
    // Round trips to the database, during which a wait that did not wait would resolve.
    await store.headPosition();
    await store.headPosition();
    recorder.gate.resolve();
    expect(await seenWhenResolved).to.deep.equal([1, 2, 3, 4]);
  });

  it('takes what repository.save returned, and resolves at once when it saved nothing', async () => {
    const store = await backend.open();
    const volumes = new OrderVolumes();
    const dispatcher = await backend.dispatch(store, [volumes]);
    const orders = store.repository(Order);
    const order = Order.place('o-1', 'KRW-BTC', 10);
    order.fill(3);
    order.fill(4);
    await dispatcher.waitFor(await orders.save(order));
    expect(volumes.volumes.get('o-1')).to.equal(7);
    const nothing = await orders.save(order);
    expect(nothing).to.equal(undefined);
    await dispatcher.waitFor(nothing);
  });

  it('waits for every segment of a projection, so the read model shows the write', async () => {
    const store = await backend.open();
    await store.db.schema
      .createTable('tick_totals')
      .addColumn('id', 'text', (column) => column.primaryKey())
      .addColumn('total', 'integer', (column) => column.notNull())
      .execute();
    const dispatcher = await backend.dispatch(store, [new TickTotals()]);
    let expected = 0;
    for (let n = 1; n <= 6; n++) {
      const appended = await store.append({ type: 'Clock', id: `c-${n}` }, [new Tick(n)]);
      expected += n;
      await dispatcher.waitFor(appended, { subscribers: ['tick-totals'] });
      const rows = (await store.db
        .selectFrom('tick_totals' as never)
        .selectAll()
        .execute()) as Array<{ total: number | string }>;
      expect(rows.map((row) => Number(row.total))).to.deep.equal([expected]);
    }
  });

  it('waits only for the subscribers named', async () => {
    const store = await backend.open();
    const held = new TickRecorder(2);
    const other = new OtherRecorder();
    const dispatcher = await backend.dispatch(store, [held, other]);
    const appended = await store.append({ type: 'Clock', id: 'c-1' }, ticks(1, 3));
    await dispatcher.waitFor(appended, { subscribers: ['other-recorder'] });
    // The held recorder may not have taken tick 1 yet; once it waits at tick 2, it has.
    await held.reached.promise;
    const seen = { other: [...other.seen], held: [...held.seen] };
    held.gate.resolve();
    expect(seen).to.deep.equal({ other: [1, 2, 3], held: [1] });
  });

  it('resolves at once for undefined and position 0, while the subscriber is still busy', async () => {
    const store = await backend.open();
    const recorder = new TickRecorder(1);
    const dispatcher = await backend.dispatch(store, [recorder]);
    await store.append({ type: 'Clock', id: 'c-1' }, ticks(1, 1));
    await recorder.reached.promise;
    await dispatcher.waitFor(undefined);
    await dispatcher.waitFor(0);
    expect(recorder.seen).to.deep.equal([]);
    recorder.gate.resolve();
  });

  it('times out naming each subscriber short of the position, its checkpoint and how far behind it is', async () => {
    const store = await backend.open();
    const recorder = new TickRecorder(3);
    const dispatcher = await backend.dispatch(store, [recorder, new OtherRecorder()]);
    const appended = await store.append({ type: 'Clock', id: 'c-1' }, ticks(1, 5));
    await dispatcher.waitFor(appended, { subscribers: ['other-recorder'] });
    await recorder.reached.promise;
    const error = await expectRejection(dispatcher.waitFor(appended, { timeoutMs: 100 }), PositionNotReachedError);
    recorder.gate.resolve();
    expect({ position: error.position, timedOut: error.timedOut, lagging: error.lagging }).to.deep.equal({
      position: 5,
      timedOut: true,
      lagging: [{ name: 'tick-recorder', state: 'live', checkpoint: 2, behind: 3 }],
    });
    expect(error.message).to.equal(
      "Position 5 was not reached within 100 ms: 'tick-recorder' is at 2, 3 positions behind (live). Raise timeoutMs if the subscribers are only slow, and see dispatcher.stats() for their lag.",
    );
  });

  it('fails without waiting out the timeout when a subscriber halted short of the position', async () => {
    const store = await backend.open();
    const dispatcher = await backend.dispatch(store, [new HaltingRecorder()]);
    const appended = await store.append({ type: 'Clock', id: 'c-1' }, [new Tick(1), new Tick(2, true), new Tick(3)]);
    const error = await expectRejection(dispatcher.waitFor(appended, { timeoutMs: 600_000 }), PositionNotReachedError);
    expect({ timedOut: error.timedOut, lagging: error.lagging }).to.deep.equal({
      timedOut: false,
      lagging: [{ name: 'halting-recorder', state: 'halted', checkpoint: 1, behind: 2, haltedReason: 'event at position 2 (Tick) failed: tick 2 is broken' }],
    });
    expect(error.message).to.match(
      /^Position 3 will not be reached: 'halting-recorder' is at 1, 2 positions behind, halted: event at position 2 .* retried or discarded/,
    );
  });

  it('follows a subscriber another process runs through the checkpoint that process saves', async () => {
    const first = await backend.open();
    const recorder = new TickRecorder(2);
    await backend.dispatch(first, [recorder], { processId: 'holder' });
    const second = await backend.reopen();
    const standingBy = await backend.dispatch(second, [new TickRecorder()], { processId: 'standing-by', pollIntervalMs: 20 });
    expect(standingBy.stats()[0]!.state).to.equal('standby');
    const appended = await first.append({ type: 'Clock', id: 'c-1' }, ticks(1, 3));
    await recorder.reached.promise;

    const error = await expectRejection(standingBy.waitFor(appended.events[2]!.position, { timeoutMs: 100 }), PositionNotReachedError);
    expect(error.lagging).to.have.length(1);
    expect(error.lagging[0]).to.include({ name: 'tick-recorder', state: 'standby', heldBy: 'holder' });
    expect(error.message).to.contain('run by process holder');

    recorder.gate.resolve();
    await standingBy.waitFor(appended, { timeoutMs: 10_000 });
    expect(recorder.seen).to.deep.equal([1, 2, 3]);
  });

  it('refuses what is not a position of the log, and unknown subscribers', async () => {
    const store = await backend.open();
    const dispatcher = await backend.dispatch(store, [new TickRecorder()]);
    await store.append({ type: 'Clock', id: 'c-1' }, ticks(1, 2));
    const refusals: Array<[unknown, object | undefined, RegExp]> = [
      [-1, undefined, /^Invalid position: expected a position of the log, a whole number >= 0, got -1\.$/],
      [1.5, undefined, /^Invalid position: .* got 1\.5\.$/],
      ['2', undefined, /^Invalid position: expected a position of the log, or what store\.append or repository\.save returned, got "2"\.$/],
      [{}, undefined, /^Invalid position: .* got an object\.$/],
      [3, undefined, /^Invalid position: 3 is past the end of the log \(2\)/],
      [2, { timeoutMs: -1 }, /^Invalid options\.timeoutMs: expected whole milliseconds from 0 to 2147483647, got -1\.$/],
      // Longer than Node's timers take, it would time out after 1 ms.
      [2, { timeoutMs: 2 ** 31 }, /^Invalid options\.timeoutMs: expected whole milliseconds from 0 to 2147483647, got 2147483648\.$/],
      [2, { subscribers: [] }, /^Invalid options\.subscribers: expected a non-empty array of subscriber names, got an array\. Known subscribers: tick-recorder\.$/],
    ];
    for (const [position, options, message] of refusals) {
      const error = await expectRejection(dispatcher.waitFor(position as number, options), InvalidArgumentError);
      expect(error.message).to.match(message);
    }
    await expectRejection(dispatcher.waitFor(2, { subscribers: ['tick-recordr'] }), UnknownSubscriberError);
    await dispatcher.stop();
    await expectRejection(dispatcher.waitFor(2), DispatcherStoppedError);
  });
});
