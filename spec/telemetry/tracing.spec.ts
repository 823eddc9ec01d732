import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expect } from 'chai';
import type { Kysely } from 'kysely';
import {
  ConcurrencyError,
  DomainEvent,
  EventHandler,
  Fold,
  FoldProjection,
  NO_STREAM,
  On,
  Projection,
  TRACE_PARENT_FIELD,
  type EventStore,
  type FoldRow,
  type HandlerContext,
  type ProjectionContext,
  type RecordedEvent,
} from '../../lib';
import { forEachBackend } from '../support/backends';
import { expectRejection } from '../support/expect-rejection';
import { Order, OrderFilled, OrderPlaced } from '../support/domain';
import { installSdk, type InstalledSdk } from './otel-sdk';

@DomainEvent('PlacementNoted')
class PlacementNoted {
  constructor(readonly orderId: string) {}
}

/** Publishes a follow-up event for each placed order, through the store its context gives it. */
@EventHandler('placement-notes')
class PlacementNotes {
  @On(OrderPlaced)
  async note(event: OrderPlaced, { store }: HandlerContext): Promise<void> {
    await store.publish(new PlacementNoted(event.orderId));
  }
}

@EventHandler('note-reader')
class NoteReader {
  readonly read: string[] = [];

  @On(PlacementNoted)
  take(event: PlacementNoted): void {
    this.read.push(event.orderId);
  }
}

/** Runs `work` inside a span named `request`, as an instrumented web framework would. */
async function inRequest<T>(work: () => Promise<T>): Promise<T> {
  return trace.getTracer('spec').startActiveSpan('request', async (span) => {
    try {
      return await work();
    } finally {
      span.end();
    }
  });
}

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

function only(spans: ReadableSpan[], where: (span: ReadableSpan) => boolean): ReadableSpan {
  const found = spans.filter(where);
  expect(found, 'exactly one span').to.have.length(1);
  return found[0]!;
}

async function readAll(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const recorded of store.readAll()) events.push(recorded);
  return events;
}

interface ReadModels {
  traced_orders: { id: string; market: string };
  traced_markets: { market: string; orders: number };
}

/** A projection of one row per order, applied in batches with a call per event. */
@Projection('traced-orders')
class TracedOrders {
  @On(OrderPlaced)
  async placed(event: OrderPlaced, { db }: ProjectionContext<ReadModels>): Promise<void> {
    await db.insertInto('traced_orders').values({ id: event.orderId, market: event.market }).execute();
  }
}

type MarketRow = FoldRow<ReadModels, 'traced_markets'>;

/** A fold projection counting orders per market: a batch folded in one call. */
@FoldProjection<ReadModels>('traced-markets', { table: 'traced_markets', key: 'market' })
class TracedMarkets {
  initial(market: string): MarketRow {
    return { market, orders: 0 };
  }

  @Fold(OrderPlaced, (event) => event.market)
  placed(row: MarketRow): void {
    row.orders++;
  }
}

async function createReadModels(db: Kysely<ReadModels>): Promise<void> {
  await db.schema
    .createTable('traced_orders')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('market', 'text')
    .execute();
  await db.schema
    .createTable('traced_markets')
    .addColumn('market', 'text', (column) => column.primaryKey())
    .addColumn('orders', 'integer')
    .execute();
}

forEachBackend('Telemetry: traces', (backend) => {
  let sdk: InstalledSdk;
  beforeEach(() => (sdk = installSdk()));
  afterEach(() => sdk.uninstall());

  it('follows one trace from a request through save, append and delivery to the handler and what it appends', async () => {
    const store = await backend.open({ aggregates: [Order], events: [PlacementNoted] });
    const reader = new NoteReader();
    const dispatcher = await backend.dispatch(store, [new PlacementNotes(), reader]);
    await inRequest(() => store.repository(Order).save(Order.place('o-1', 'KRW-BTC', 2)));
    await dispatcher.idle();
    expect(reader.read).to.deep.equal(['o-1']);

    const spans = sdk.spans.getFinishedSpans();
    const request = only(spans, (span) => span.name === 'request');
    const save = only(spans, (span) => span.name === 'eventfold.aggregate.save');
    const append = only(spans, (span) => span.name === 'eventfold.append' && span.attributes['eventfold.stream.type'] === 'Order');
    const deliver = only(spans, (span) => span.name === 'eventfold.deliver' && span.attributes['eventfold.subscriber.name'] === 'placement-notes');
    const followUp = only(spans, (span) => span.name === 'eventfold.append' && span.attributes['eventfold.stream.type'] === '$bus');
    const followUpDelivery = only(spans, (span) => span.name === 'eventfold.deliver' && span.attributes['eventfold.subscriber.name'] === 'note-reader');

    expect(parentOf(save)).to.equal(request.spanContext().spanId);
    expect(parentOf(append)).to.equal(save.spanContext().spanId);
    expect(parentOf(deliver)).to.equal(append.spanContext().spanId);
    expect(parentOf(followUp)).to.equal(deliver.spanContext().spanId);
    expect(parentOf(followUpDelivery)).to.equal(followUp.spanContext().spanId);
    const traceIds = new Set([request, save, append, deliver, followUp, followUpDelivery].map((span) => span.spanContext().traceId));
    expect([...traceIds]).to.have.length(1);
  });

  it('describes an append, a save, a load and a delivery with their attributes', async () => {
    const store = await backend.open({ aggregates: [Order] });
    const reader = new NoteReader();
    const dispatcher = await backend.dispatch(store, [new PlacementNotes(), reader]);
    const orders = store.repository(Order);
    const order = Order.place('o-2', 'KRW-ETH', 3);
    order.fill(1);
    const saved = await orders.save(order);
    await orders.load('o-2');
    await dispatcher.idle();

    const append = only(sdk.spansNamed('eventfold.append'), (span) => span.attributes['eventfold.stream.type'] === 'Order');
    expect(append.attributes).to.deep.include({
      'db.system': backend.name === 'postgres' ? 'postgresql' : 'sqlite',
      'eventfold.stream.id': 'o-2',
      'eventfold.event.count': 2,
      'eventfold.event.types': ['OrderPlaced', 'OrderFilled'],
      'eventfold.position.first': saved!.events[0]!.position,
      'eventfold.position.last': saved!.events[1]!.position,
    });
    expect(only(sdk.spansNamed('eventfold.aggregate.save'), () => true).attributes).to.deep.include({
      'eventfold.aggregate.type': 'Order',
      'eventfold.aggregate.id': 'o-2',
      'eventfold.aggregate.version': 2,
      'eventfold.event.count': 2,
    });
    expect(only(sdk.spansNamed('eventfold.aggregate.load'), () => true).attributes).to.deep.include({
      'eventfold.aggregate.type': 'Order',
      'eventfold.aggregate.id': 'o-2',
      'eventfold.aggregate.version': 2,
      'eventfold.aggregate.events_replayed': 2,
    });
    const deliver = only(sdk.spansNamed('eventfold.deliver'), (span) => span.attributes['eventfold.subscriber.name'] === 'placement-notes');
    expect(deliver.attributes).to.deep.include({
      'eventfold.subscriber.kind': 'handler',
      'eventfold.event.type': 'OrderPlaced',
      'eventfold.position': saved!.events[0]!.position,
      'eventfold.delivery.attempt': 1,
    });
  });

  it('writes the trace context of the append into each event it stores, keeping one the caller set', async () => {
    const store = await backend.open({ events: [OrderPlaced, OrderFilled] });
    const own = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await inRequest(async () => {
      await store.append({ type: 'Order', id: 'o-3' }, [new OrderPlaced('o-3', 'KRW-BTC', 1), new OrderFilled(1)]);
      await store.append({ type: 'Order', id: 'o-4' }, [new OrderPlaced('o-4', 'KRW-BTC', 1)], { metadata: { traceparent: own } });
    });

    const append = only(sdk.spansNamed('eventfold.append'), (span) => span.attributes['eventfold.stream.id'] === 'o-3');
    const { traceId, spanId } = append.spanContext();
    const [placed, filled, other] = await readAll(store);
    expect(placed!.metadata[TRACE_PARENT_FIELD]).to.equal(`00-${traceId}-${spanId}-01`);
    expect(filled!.metadata[TRACE_PARENT_FIELD]).to.equal(`00-${traceId}-${spanId}-01`);
    expect(other!.metadata[TRACE_PARENT_FIELD]).to.equal(own);
  });

  it('marks a failed delivery and each retry of it, all children of the append', async () => {
    const store = await backend.open({ events: [OrderPlaced] });
    @EventHandler('flaky', { retry: { initialDelayMs: 1, maxDelayMs: 2, jitter: 0, maxAttempts: 3 } })
    class Flaky {
      @On(OrderPlaced)
      run(_event: OrderPlaced, { attempt }: HandlerContext): void {
        if (attempt < 3) throw new Error(`attempt ${attempt} failed`);
      }
    }
    const dispatcher = await backend.dispatch(store, [new Flaky()]);
    await inRequest(() => store.append({ type: 'Order', id: 'o-5' }, [new OrderPlaced('o-5', 'KRW-BTC', 1)]));
    await dispatcher.idle();

    const append = only(sdk.spansNamed('eventfold.append'), () => true);
    const deliveries = sdk.spansNamed('eventfold.deliver');
    expect(deliveries.map((span) => span.attributes['eventfold.delivery.attempt'])).to.deep.equal([1, 2, 3]);
    expect(deliveries.map((span) => span.status.code)).to.deep.equal([SpanStatusCode.ERROR, SpanStatusCode.ERROR, SpanStatusCode.UNSET]);
    expect(deliveries[0]!.status.message).to.equal('attempt 1 failed');
    expect(deliveries[0]!.events.map((event) => event.name)).to.deep.equal(['exception']);
    for (const span of deliveries) expect(parentOf(span)).to.equal(append.spanContext().spanId);
  });

  it("gives each event of a projection's batch a span in its own trace, and a fold projection's batch one span linked to them", async () => {
    const store = await backend.open({ events: [OrderPlaced] });
    await createReadModels(store.db as Kysely<ReadModels>);
    // Appended before the dispatcher starts, so that each projection takes both in one batch.
    await inRequest(() => store.append({ type: 'Order', id: 'o-9' }, [new OrderPlaced('o-9', 'KRW-BTC', 1)]));
    await inRequest(() => store.append({ type: 'Order', id: 'o-10' }, [new OrderPlaced('o-10', 'KRW-BTC', 1)]));
    const dispatcher = await backend.dispatch(store, [new TracedOrders(), new TracedMarkets()]);
    await dispatcher.idle();

    const appends = sdk.spansNamed('eventfold.append').map((span) => span.spanContext());
    const deliveries = sdk.spansNamed('eventfold.deliver');
    const perEvent = deliveries.filter((span) => span.attributes['eventfold.subscriber.name'] === 'traced-orders');
    expect(perEvent.map((span) => [span.spanContext().traceId, parentOf(span)])).to.deep.equal(appends.map((append) => [append.traceId, append.spanId]));
    const folded = only(deliveries, (span) => span.attributes['eventfold.subscriber.name'] === 'traced-markets');
    expect(folded.attributes).to.deep.include({ 'eventfold.subscriber.kind': 'projection', 'eventfold.delivery.batch_size': 2 });
    expect(folded.links.map((link) => link.context.spanId)).to.deep.equal(appends.map((append) => append.spanId));
    expect(parentOf(folded)).to.equal(undefined);
  });

  it('marks an append that meets a conflict as failed', async () => {
    const store = await backend.open({ events: [OrderPlaced] });
    const stream = { type: 'Order', id: 'o-6' };
    await store.append(stream, [new OrderPlaced('o-6', 'KRW-BTC', 1)]);
    const error = await expectRejection(store.append(stream, [new OrderPlaced('o-6', 'KRW-BTC', 1)], { expectedVersion: NO_STREAM }), ConcurrencyError);

    const failed = sdk.spansNamed('eventfold.append')[1]!;
    expect(failed.status).to.deep.equal({ code: SpanStatusCode.ERROR, message: error.message });
    expect(failed.events[0]!.attributes!['exception.message']).to.equal(error.message);
  });

  it('records nothing and writes no trace context in a store opened with telemetry: false', async () => {
    const store = await backend.open({ events: [OrderPlaced], telemetry: false });
    await inRequest(() => store.append({ type: 'Order', id: 'o-7' }, [new OrderPlaced('o-7', 'KRW-BTC', 1)]));

    expect(sdk.spansNamed('eventfold.append')).to.deep.equal([]);
    const [placed] = await readAll(store);
    expect(placed!.metadata).to.not.have.property(TRACE_PARENT_FIELD);
  });
});

forEachBackend('Telemetry: without an OpenTelemetry SDK', (backend) => {
  it('writes no trace context into the metadata and delivers as usual', async () => {
    const store = await backend.open({ aggregates: [Order], events: [PlacementNoted] });
    const reader = new NoteReader();
    const dispatcher = await backend.dispatch(store, [new PlacementNotes(), reader]);
    await trace.getTracer('spec').startActiveSpan('request', async (span) => {
      await store.repository(Order).save(Order.place('o-8', 'KRW-BTC', 2));
      span.end();
    });
    await dispatcher.idle();

    expect(trace.getSpan(context.active())).to.equal(undefined);
    expect(reader.read).to.deep.equal(['o-8']);
    for (const recorded of await readAll(store)) expect(recorded.metadata).to.not.have.property(TRACE_PARENT_FIELD);
  });
});
