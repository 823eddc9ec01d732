import { expect } from 'chai';
import { DomainEvent, EventHandler, On, Projection, type HandlerContext, type ProjectionContext } from '../../lib';
import { forEachBackend } from '../support/backends';
import { Order, OrderCancelled, OrderFilled, OrderPlaced } from '../support/domain';
import { until } from '../support/until';

@DomainEvent('PriceTicked')
class PriceTicked {
  constructor(
    readonly market: string,
    readonly price: number,
  ) {}
}

/** Records what it receives, in order. */
@EventHandler('recorder')
class Recorder {
  readonly seen: Array<{ type: string; stream: string; position: number; eventId: string }> = [];

  @On(OrderPlaced)
  placed(_event: OrderPlaced, context: HandlerContext): void {
    this.note(context);
  }

  @On(OrderFilled)
  filled(_event: OrderFilled, context: HandlerContext): void {
    this.note(context);
  }

  @On(PriceTicked)
  ticked(_event: PriceTicked, context: HandlerContext): void {
    this.note(context);
  }

  private note({ recorded }: HandlerContext): void {
    this.seen.push({ type: recorded.type, stream: recorded.streamId, position: recorded.position, eventId: recorded.eventId });
  }
}

forEachBackend('Dispatcher delivery', (backend) => {
  it('delivers each event to every subscriber of its type, in order, and nothing else', async () => {
    const store = await backend.open();
    const recorder = new Recorder();
    @EventHandler('cancellations')
    class Cancellations {
      readonly reasons: string[] = [];
      @On(OrderCancelled) cancelled(event: OrderCancelled): void {
        this.reasons.push(event.reason);
      }
    }
    const cancellations = new Cancellations();
    const dispatcher = await backend.dispatch(store, [recorder, cancellations]);
    const orders = store.repository(Order);
    const order = Order.place('o-1', 'KRW-BTC', 3);
    order.fill(1);
    order.cancel('changed my mind');
    await orders.save(order);
    await dispatcher.idle();

    expect(recorder.seen.map((seen) => seen.type)).to.deep.equal(['OrderPlaced', 'OrderFilled']);
    expect(cancellations.reasons).to.deep.equal(['changed my mind']);
    const stats = dispatcher.stats();
    expect(stats.map((s) => [s.name, s.processed, s.checkpoint])).to.deep.equal([
      ['recorder', 2, 3],
      ['cancellations', 1, 3],
    ]);
    await dispatcher.stop();
  });

  it('delivers published events that belong to no aggregate through the same log', async () => {
    const store = await backend.open();
    const recorder = new Recorder();
    const dispatcher = await backend.dispatch(store, [recorder]);
    const recorded = await store.publish(new PriceTicked('KRW-BTC', 91_500_000));
    await store.publish(new PriceTicked('KRW-ETH', 4_100_000), { stream: { type: 'Market', id: 'KRW-ETH' }, metadata: { source: 'feed' } });
    await dispatcher.idle();

    expect(recorded).to.include({ streamType: '$bus', streamId: 'PriceTicked', type: 'PriceTicked' });
    expect(recorder.seen.map((seen) => seen.stream)).to.deep.equal(['PriceTicked', 'KRW-ETH']);
    await dispatcher.stop();
  });

  it('delivers live appends without waiting for a poll', async () => {
    const store = await backend.open();
    const recorder = new Recorder();
    // The first poll would come long after the spec has failed by its timeout.
    const dispatcher = await backend.dispatch(store, [recorder], { pollIntervalMs: 3_600_000 });
    await store.publish(new PriceTicked('KRW-BTC', 1));
    await until(() => recorder.seen.length > 0, 'the live append was not delivered');
    expect(recorder.seen.map((seen) => seen.type)).to.deep.equal(['PriceTicked']);
    await dispatcher.stop();
  });

  it('keeps stream order while running different streams side by side up to the concurrency', async () => {
    const store = await backend.open();
    const markets = ['A', 'B', 'C', 'D'];
    // Each call runs until the spec lets it finish, so the spec decides the order in which calls end.
    const running = new Map<string, () => void>();
    const released: string[] = [];
    const finished: string[] = [];
    const sideBySideInOneStream: string[] = [];
    let peak = 0;
    let holding = true;
    @EventHandler('slow', { concurrency: 3 })
    class Slow {
      @On(PriceTicked)
      async ticked(event: PriceTicked): Promise<void> {
        const call = `${event.market}:${event.price}`;
        if ([...running.keys()].some((other) => other.startsWith(`${event.market}:`))) sideBySideInOneStream.push(call);
        if (holding)
          await new Promise<void>((finish) => {
            running.set(call, () => {
              running.delete(call);
              released.push(call);
              finish();
            });
            peak = Math.max(peak, running.size);
          });
        finished.push(call);
      }
    }
    // Appended before the dispatcher starts, so that every stream has events waiting.
    for (let price = 1; price <= 6; price++) {
      for (const market of markets) await store.publish(new PriceTicked(market, price), { stream: { type: 'Market', id: market } });
    }
    const dispatcher = await backend.dispatch(store, [new Slow()]);
    try {
      while (released.length < 24) {
        const streamsWithWork = markets.filter((market) => released.filter((call) => call.startsWith(`${market}:`)).length < 6).length;
        await until(
          () => running.size === Math.min(3, streamsWithWork),
          () => `expected ${Math.min(3, streamsWithWork)} calls at once, saw ${[...running.keys()].join(', ')}`,
        );
        // The call that began last ends first, so that calls end in another order than they began.
        [...running.values()].pop()?.();
      }
    } finally {
      holding = false;
      running.forEach((finish) => finish());
    }
    await dispatcher.idle();

    expect(peak).to.equal(3);
    expect(sideBySideInOneStream).to.deep.equal([]);
    for (const market of markets) {
      expect(finished.filter((call) => call.startsWith(`${market}:`))).to.deep.equal([1, 2, 3, 4, 5, 6].map((price) => `${market}:${price}`));
    }
    await dispatcher.stop();
  });

  it('never moves the checkpoint past a slow event that is still running', async () => {
    const store = await backend.open();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    @EventHandler('gated', { concurrency: 4 })
    class Gated {
      @On(PriceTicked)
      async ticked(event: PriceTicked): Promise<void> {
        if (event.market === 'slow') await gate;
      }
    }
    const dispatcher = await backend.dispatch(store, [new Gated()]);
    await store.publish(new PriceTicked('fast', 1), { stream: { type: 'Market', id: 'fast' } });
    await store.publish(new PriceTicked('slow', 1), { stream: { type: 'Market', id: 'slow' } });
    for (let n = 0; n < 5; n++) await store.publish(new PriceTicked('fast', n), { stream: { type: 'Market', id: 'fast' } });
    const stored = async () => {
      const row = await store.db.selectFrom('eventfold_subscriptions').selectAll().where('name', '=', 'gated').executeTakeFirstOrThrow();
      return { position: Number(row.position), ahead: JSON.parse(row.ahead) as number[] };
    };
    let saved = await stored();
    let checkpoint: number;
    try {
      await until(
        () => dispatcher.stats()[0]!.processed === 6,
        () => `the fast events were not all handled: ${JSON.stringify(dispatcher.stats()[0])}`,
      );
      // Checkpoints are written a moment after events finish: wait until the stored one accounts for all six.
      await until(
        async () => ((saved = await stored()), saved.position + saved.ahead.length >= 6),
        () => `the finished events were not saved: ${JSON.stringify(saved)}`,
      );
      checkpoint = dispatcher.stats()[0]!.checkpoint;
    } finally {
      release();
    }

    expect(checkpoint).to.equal(1);
    expect(saved).to.deep.equal({ position: 1, ahead: [3, 4, 5, 6, 7] });
    await dispatcher.idle();
    expect(dispatcher.stats()[0]!.checkpoint).to.equal(7);
    await dispatcher.stop();
  });

  it('gives higher-priority subscribers each live event first', async () => {
    const store = await backend.open();
    const calls: string[] = [];
    const make = (name: string, priority: number) => {
      @EventHandler(name, { priority })
      class Prioritised {
        @On(PriceTicked) ticked(event: PriceTicked): void {
          calls.push(`${name}:${event.price}`);
        }
      }
      return new Prioritised();
    };
    const dispatcher = await backend.dispatch(store, [make('low', -5), make('high', 10), make('middle', 0)]);
    await dispatcher.idle();
    await store.publish(new PriceTicked('KRW-BTC', 1));
    await store.publish(new PriceTicked('KRW-BTC', 2));
    await dispatcher.idle();

    // Each event reaches the subscribers highest priority first. How the two events interleave
    // across subscribers is not promised: each subscriber goes at its own pace.
    expect(calls).to.have.members(['high:1', 'middle:1', 'low:1', 'high:2', 'middle:2', 'low:2']);
    for (const price of [1, 2]) {
      const order = ['high', 'middle', 'low'].map((name) => calls.indexOf(`${name}:${price}`));
      expect(order, `event ${price}`).to.deep.equal([...order].sort((a, b) => a - b));
    }
    expect(dispatcher.subscriberNames).to.deep.equal(['high', 'middle', 'low']);
    await dispatcher.stop();
  });

  it('gives handlers a stable event id and projections the transaction of their checkpoint', async () => {
    const store = await backend.open();
    await store.db.schema
      .createTable('ticks')
      .addColumn('event_id', 'text', (c) => c.primaryKey())
      .addColumn('price', 'integer')
      .execute();
    @Projection('ticks')
    class Ticks {
      @On(PriceTicked)
      async ticked(event: PriceTicked, { db, eventId }: ProjectionContext): Promise<void> {
        await db.insertInto('ticks').values({ event_id: eventId, price: event.price }).execute();
      }
    }
    const recorder = new Recorder();
    const dispatcher = await backend.dispatch(store, [new Ticks(), recorder]);
    const published = await store.publish(new PriceTicked('KRW-BTC', 5));
    await dispatcher.idle();

    expect(recorder.seen[0]!.eventId).to.equal(published.eventId);
    const rows = await store.db
      .selectFrom('ticks' as never)
      .selectAll()
      .execute();
    expect(rows).to.deep.equal([{ event_id: published.eventId, price: 5 }]);
    await dispatcher.stop();
    await dispatcher.stop();
  });
});
