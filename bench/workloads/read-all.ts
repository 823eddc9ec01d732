import { EventStore, type EventMetadata, type RecordedEvent } from '../../lib';
import { OrderFilled, OrderPlaced, type OrderFields } from '../bench-domain';
import { writeOrderTape } from '../order-tape-log';
import { openRawEventLog } from '../raw-event-log';
import { formatMemoryProfile, startRssSampler, type RssSampler } from '../rss-sampler';
import { startClock, throughput } from '../timing';
import type { Measurement, Workload, WorkloadRun } from '../workload';

/** How often each side samples its resident memory while reading. */
const SAMPLE_EVERY_MS = 100;
/** How often, in events, each side reports its progress to the sampler. */
const PROGRESS_EVERY = 10_000;

function logLength(quick: boolean): number {
  return quick ? 100_000 : 1_000_000;
}

/** One row of the log, every column, as better-sqlite3 returns it. */
interface LogRow {
  readonly position: number;
  readonly event_id: string;
  readonly stream_type: string;
  readonly stream_id: string;
  readonly stream_version: number;
  readonly event_type: string;
  readonly schema_version: number;
  readonly payload: string;
  readonly metadata: string;
  readonly recorded_at: string;
}

/**
 * Folds every event read into a fingerprint that touches each field of the recorded event and
 * of the decoded instance, so that neither side can skip work the other does.
 */
class ReadChecksum {
  private events = 0;
  private positions = 0;
  private versions = 0;
  private placed = 0;
  private volume = 0;
  private notional = 0;
  private textLength = 0;
  private metadataKeys = 0;
  private recordedAt = 0;
  private last = '';

  constructor(
    private readonly total: number,
    private readonly sampler: RssSampler,
  ) {}

  add(recorded: RecordedEvent): void {
    const event = recorded.event as OrderPlaced | OrderFilled;
    this.events++;
    this.positions += recorded.position;
    this.versions += recorded.streamVersion + recorded.schemaVersion;
    if (event instanceof OrderPlaced) this.placed++;
    this.volume += event.volume;
    this.notional += event.price * event.volume;
    this.textLength += recorded.streamType.length + recorded.streamId.length + recorded.type.length + event.orderId.length + event.market.length + event.side.length;
    for (const key in recorded.metadata) if (key) this.metadataKeys++;
    this.recordedAt = Math.max(this.recordedAt, recorded.recordedAt.getTime());
    this.last = recorded.eventId;
    if (this.events % PROGRESS_EVERY === 0) this.sampler.progress(this.events, this.total);
  }

  get count(): number {
    return this.events;
  }

  toString(): string {
    const recordedAt = this.recordedAt > 0 ? 'dated' : 'undated';
    return [
      this.events,
      this.positions,
      this.versions,
      this.placed,
      this.volume.toFixed(4),
      this.notional.toFixed(0),
      this.textLength,
      this.metadataKeys,
      recordedAt,
      this.last,
    ].join('/');
  }
}

/** Times `read`, which feeds every event of the log to the checksum, with memory sampled throughout. */
async function timeRead(run: WorkloadRun, read: (checksum: ReadChecksum) => Promise<void> | void): Promise<Measurement> {
  const total = logLength(run.quick);
  const sampler = startRssSampler(SAMPLE_EVERY_MS);
  const checksum = new ReadChecksum(total, sampler);
  const elapsed = startClock();
  await read(checksum);
  const milliseconds = elapsed();
  const memory = sampler.stop();
  if (checksum.count !== total) throw new Error(`read ${checksum.count} events, expected ${total}`);
  const measured = throughput(checksum.count, milliseconds);
  return { ...measured, detail: `${measured.detail}, ${formatMemoryProfile(memory)}`, memory, checksum: checksum.toString() };
}

async function measureEventfold(run: WorkloadRun): Promise<Measurement> {
  const store = await EventStore.open({ sqlite: run.file, durability: run.durability, events: [OrderPlaced, OrderFilled] });
  try {
    return await timeRead(run, async (checksum) => {
      for await (const recorded of store.readAll()) checksum.add(recorded);
    });
  } finally {
    await store.close();
  }
}

/** The registered class of a stored event type, for the raw side. */
function eventOf(type: string, fields: OrderFields): OrderPlaced | OrderFilled {
  const { orderId, market, price, volume, side } = fields;
  return type === 'OrderPlaced' ? new OrderPlaced(orderId, market, price, volume, side) : new OrderFilled(orderId, market, price, volume, side);
}

async function measureRaw(run: WorkloadRun): Promise<Measurement> {
  const database = openRawEventLog(run.file, run.durability);
  try {
    const rows = database.prepare<[], LogRow>('select * from eventfold_events order by position');
    return await timeRead(run, (checksum) => {
      for (const row of rows.iterate()) {
        checksum.add({
          position: row.position,
          eventId: row.event_id,
          streamType: row.stream_type,
          streamId: row.stream_id,
          streamVersion: row.stream_version,
          type: row.event_type,
          schemaVersion: row.schema_version,
          event: eventOf(row.event_type, JSON.parse(row.payload) as OrderFields),
          metadata: JSON.parse(row.metadata) as EventMetadata,
          recordedAt: new Date(row.recorded_at),
        });
      }
    });
  } finally {
    database.close();
  }
}

/** Reading the whole log, every event decoded, as a consumer catching up from the start would. */
export const readAll: Workload = {
  name: 'read-all',
  label: (quick) => `readAll over ${logLength(quick).toLocaleString('en-US')} events`,
  unit: 'events/s',
  durabilities: ['normal'],
  note: () =>
    `the log (1,000-event batches in 10 streams, plain order events) is written once and copied for each trial; timed: ` +
    `for await over store.readAll() with default options, each event decoded into its registered class; raw: one prepared ` +
    `SELECT * ... ORDER BY position iterated to the end, JSON.parse of payload and metadata, the event built with its ` +
    `constructor and a RecordedEvent-shaped object around it; RSS sampled every ${SAMPLE_EVERY_MS} ms and every ` +
    `${PROGRESS_EVERY.toLocaleString('en-US')} events`,
  target: () => undefined,
  async prepare(run) {
    // The store creates its schema; the log then goes in by the fast path, row for row what appends would store.
    await (await EventStore.open({ sqlite: run.file, durability: run.durability, events: [OrderPlaced, OrderFilled] })).close();
    writeOrderTape(run.file, run.durability, logLength(run.quick), { streamType: 'MarketBook', streams: 10 });
  },
  eventfold: { measure: measureEventfold },
  raw: { measure: measureRaw },
};
