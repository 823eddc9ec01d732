import { expect } from 'chai';
import { DomainEvent, EventHandler, On, Projection, type HandlerContext, type ProjectionContext } from '../../lib';
import { forEachBackend } from '../support/backends';
import { Order, OrderCancelled, OrderFilled, OrderPlaced } from '../support/domain';

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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    const dispatcher = await backend.dispatch(store, [recorder], { pollIntervalMs: 60_000 });
    await store.publish(new PriceTicked('KRW-BTC', 1));
    await sleep(20);
    expect(recorder.seen).to.have.length(1);
    await dispatcher.stop();
  });

  it('keeps stream order while running different streams side by side up to the concurrency', async () => {
    const store = await backend.open();
    let running = 0;
    let peak = 0;
    const order: string[] = [];
    @EventHandler('slow', { concurrency: 3 })
    class Slow {
      @On(PriceTicked)
      async ticked(event: PriceTicked): Promise<void> {
        running++;
        peak = Math.max(peak, running);
        await sleep(5 + (event.price % 3) * 5);
        order.push(`${event.market}:${event.price}`);
        running--;
      }
    }
    const dispatcher = await backend.dispatch(store, [new Slow()]);
    for (let price = 1; price <= 6; price++) {
      for (const market of ['A', 'B', 'C', 'D']) await store.publish(new PriceTicked(market, price), { stream: { type: 'Market', id: market } });
    }
    await dispatcher.idle();

    expect(peak).to.equal(3);
    for (const market of ['A', 'B', 'C', 'D']) {
      expect(order.filter((entry) => entry.startsWith(market))).to.deep.equal([1, 2, 3, 4, 5, 6].map((price) => `${market}:${price}`));
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
    await sleep(100);

    const [gated] = dispatcher.stats();
    expect(gated!.processed).to.equal(6);
    expect(gated!.checkpoint).to.equal(1);
    const saved = await store.db.selectFrom('eventfold_subscriptions').selectAll().where('name', '=', 'gated').executeTakeFirstOrThrow();
    expect(saved.position).to.be.at.most(1);
    expect(JSON.parse(saved.ahead)).to.deep.equal([3, 4, 5, 6, 7]);
    release();
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
    await store.db.schema.createTable('ticks').addColumn('event_id', 'text', (c) => c.primaryKey()).addColumn('price', 'integer').execute();
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
    const rows = await store.db.selectFrom('ticks' as never).selectAll().execute();
    expect(rows).to.deep.equal([{ event_id: published.eventId, price: 5 }]);
    await dispatcher.stop();
    await dispatcher.stop();
  });
});
