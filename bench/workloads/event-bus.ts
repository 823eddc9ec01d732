import { v7 as uuidv7 } from 'uuid';
import { BUS_STREAM_TYPE, Dispatcher, EventStore } from '../../lib';
import { startEventLoopDelayMonitor } from '../event-loop-delay';
import { FirstTickCounter, PriceTicked, SecondTickCounter, ThirdTickCounter, priceTick, priceTickFields, type PriceTickFields, type TickCounter } from '../price-ticks';
import { openRawEventLog, prepareRawStatements } from '../raw-event-log';
import { startClock } from '../timing';
import type { Measurement, Workload, WorkloadRun } from '../workload';

const EVENTS = 1000;
const WARM_UP_EVENTS = 50;
const SUBSCRIBERS = 3;
/** The stored name of a tick: `store.publish` also records it in stream `$bus`/name, and the raw side writes there too. */
const EVENT_NAME = 'PriceTicked';

/** Throws unless every subscriber handled every timed event exactly once. */
function assertAllHandled(counts: readonly number[]): void {
  if (counts.length !== SUBSCRIBERS || counts.some((count) => count !== EVENTS)) {
    throw new Error(`the subscribers handled ${counts.join(', ')} events, expected ${EVENTS} each`);
  }
}

function checksumOf(counts: readonly number[], head: number | undefined): string {
  return `handled ${counts.join('/')}, ${head} events in the log`;
}

function format(milliseconds: number): string {
  return `${milliseconds.toFixed(0)} ms`;
}

async function measureEventfold(run: WorkloadRun): Promise<Measurement> {
  const store = await EventStore.open({ sqlite: run.file, durability: run.durability, events: [PriceTicked] });
  try {
    const counters: TickCounter[] = [new FirstTickCounter(), new SecondTickCounter(), new ThirdTickCounter()];
    const dispatcher = await Dispatcher.start(store, counters);
    try {
      for (let index = 0; index < WARM_UP_EVENTS; index++) await store.publish(priceTick(index));
      await dispatcher.idle();
      for (const counter of counters) counter.restart();
      const monitor = await startEventLoopDelayMonitor();
      const elapsed = startClock();
      // One commit per event, each awaited, as an application publishing as things happen would.
      for (let index = WARM_UP_EVENTS; index < WARM_UP_EVENTS + EVENTS; index++) await store.publish(priceTick(index));
      const published = elapsed();
      await dispatcher.idle();
      const handled = elapsed();
      const eventLoopDelay = await monitor.stop();
      const counts = counters.map((counter) => counter.handled);
      assertAllHandled(counts);
      return {
        value: handled,
        detail: `${EVENTS.toLocaleString('en-US')} events: publish ${format(published)}, all handled ${format(handled)}`,
        eventLoopDelay,
        checksum: checksumOf(counts, await store.headPosition()),
      };
    } finally {
      await dispatcher.stop();
    }
  } finally {
    await store.close();
  }
}

async function measureRaw(run: WorkloadRun): Promise<Measurement> {
  const database = openRawEventLog(run.file, run.durability);
  try {
    const statements = prepareRawStatements(database);
    // BEGIN IMMEDIATE; SELECT max(stream_version); INSERT; COMMIT — the steps of one publish.
    const commitOne = database.transaction((index: number): string => {
      const version = (statements.streamVersion.get(BUS_STREAM_TYPE, EVENT_NAME)?.version ?? 0) + 1;
      const payload = JSON.stringify(priceTickFields(index));
      statements.insertEvent.run(uuidv7(), BUS_STREAM_TYPE, EVENT_NAME, version, EVENT_NAME, 1, payload, '{}', new Date().toISOString());
      return payload;
    });
    const counts = new Array<number>(SUBSCRIBERS).fill(0);
    const subscribers = counts.map((_, subscriber) => (_tick: PriceTickFields) => {
      counts[subscriber] = (counts[subscriber] ?? 0) + 1;
    });
    const publish = (index: number) => {
      const tick = JSON.parse(commitOne.immediate(index)) as PriceTickFields;
      for (const subscriber of subscribers) subscriber(tick);
    };
    for (let index = 0; index < WARM_UP_EVENTS; index++) publish(index);
    counts.fill(0);
    const monitor = await startEventLoopDelayMonitor();
    const elapsed = startClock();
    for (let index = WARM_UP_EVENTS; index < WARM_UP_EVENTS + EVENTS; index++) publish(index);
    const handled = elapsed();
    const eventLoopDelay = await monitor.stop();
    assertAllHandled(counts);
    const head = database.prepare<[], { head: number }>('select max(position) as head from eventfold_events').get()?.head;
    return {
      value: handled,
      detail: `${EVENTS.toLocaleString('en-US')} events: committed and handled ${format(handled)}`,
      eventLoopDelay,
      checksum: checksumOf(counts, head),
    };
  } finally {
    database.close();
  }
}

/**
 * The event bus: events published one at a time, each its own commit, to three event handlers in
 * the same process; timed until every handler has handled every event.
 */
export const eventBus: Workload = {
  name: 'event-bus',
  label: () => `publish ${EVENTS.toLocaleString('en-US')} x 1 event -> ${SUBSCRIBERS} handlers`,
  unit: 'ms',
  durabilities: ['normal'],
  note: () =>
    `store.publish() of one event at a time, each awaited, with ${SUBSCRIBERS} @EventHandlers (one @On method that counts) in the same process, ` +
    `timed from the first publish until dispatcher.idle() resolves, after ${WARM_UP_EVENTS} warm-up events; the detail also gives the time ` +
    `the publishes alone took; event-loop delay watched on both sides; raw: BEGIN IMMEDIATE, SELECT max(stream_version), INSERT, COMMIT, then JSON.parse of the payload ` +
    `and ${SUBSCRIBERS} plain function calls, per event, all synchronous`,
  target: () => ({ value: 200, better: 'lower' }),
  eventfold: { measure: measureEventfold },
  raw: { measure: measureRaw },
};
