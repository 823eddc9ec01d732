import type { UndecodableEventError } from '../events/undecodable-event-error';
import type { EventStore } from '../event-store/event-store';
import type { RecordedEvent } from '../store/recorded-event';
import type { StoredEventTuple } from '../store/stored-event-tuple';

/**
 * Stands in, as the `event` of a feed item, for a stored event that could not be decoded, so
 * that a subscriber handling its type can dead-letter it instead of silently missing it.
 */
export class UndecodableEvent {
  constructor(readonly error: UndecodableEventError) {}
}

/**
 * Stands in, as the `event` of a feed item, for an event of an archived stream: no subscriber
 * handles it, so the subscriber's checkpoint moves past it as past any event it does not handle,
 * and waiting for the head of the log is not held up by events it will never be given.
 */
export class HiddenEvent {}

/**
 * The ordered supply of events for one subscriber: live events straight from memory while the
 * subscriber keeps up, pages of the log whenever it may have missed any.
 *
 * The feed knows the last position it handed out. A live batch is accepted only when it carries
 * on from exactly there and fits the buffer; anything else (a full buffer, a batch from another
 * process that was never announced here, a batch that arrives while a page is being read) marks
 * the feed as behind, and the next read of the log fills the gap. So catching up switches to live
 * delivery without a gap or a duplicate at the seam, appends never wait for a slow subscriber,
 * and memory stays bounded by the buffer size.
 */
export class EventFeed {
  private readonly buffer: RecordedEvent[] = [];
  private bufferHead = 0;
  private lastPosition: number;
  private behind = true;
  private missedWhileReading = 0;
  private reading: Promise<void> | undefined;

  constructor(
    private readonly store: EventStore,
    after: number,
    private readonly capacity: number,
    private readonly pageSize: number,
  ) {
    this.lastPosition = after;
  }

  /** Events waiting in memory. */
  get size(): number {
    return this.buffer.length - this.bufferHead;
  }

  /** True when the feed holds nothing and knows of nothing more in the log. */
  get drained(): boolean {
    return !this.behind && this.size === 0 && !this.reading;
  }

  /** Whether the log may hold events the feed has not read yet. */
  get isBehind(): boolean {
    return this.behind;
  }

  /** Offers freshly committed events (live delivery). */
  offer(events: readonly RecordedEvent[]): void {
    if (this.behind || this.reading) {
      this.missedWhileReading++;
      this.behind = true;
      return;
    }
    const start = events.findIndex((event) => event.position > this.lastPosition);
    const first = events[start];
    const last = events.at(-1);
    if (first === undefined || last === undefined) return;
    if (first.position !== this.lastPosition + 1 || this.size + events.length - start > this.capacity) {
      this.behind = true;
      return;
    }
    for (let index = start; index < events.length; index++) this.buffer.push(events[index]!); // index < events.length
    this.lastPosition = last.position;
  }

  /** Notes that the log reaches `head`, for appends this process was not told about. */
  noticeHead(head: number): void {
    if (head > this.lastPosition) this.behind = true;
  }

  /** Takes the next event, if one is in memory. */
  next(): RecordedEvent | undefined {
    if (this.bufferHead === this.buffer.length) return undefined;
    const event = this.buffer[this.bufferHead++];
    if (this.bufferHead > 1024 && this.bufferHead * 2 > this.buffer.length) {
      this.buffer.splice(0, this.bufferHead);
      this.bufferHead = 0;
    }
    return event;
  }

  /**
   * Reads the next page of the log when the feed is behind and has room. Resolves when the read
   * is done (at once if none was needed).
   */
  fill(): Promise<void> {
    if (this.reading || !this.behind || this.size >= this.capacity / 2) return this.reading ?? Promise.resolve();
    this.reading = this.readPage().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async readPage(): Promise<void> {
    const missedBefore = this.missedWhileReading;
    const limit = Math.min(this.pageSize, this.capacity - this.size);
    let count = 0;
    // Events passed over (archived, undecodable) count toward the limit as much as those handed
    // out: they take a place in the buffer each. The read is ended from here, where each is
    // kept, because passing over a whole page yields nothing to the loop below, and the read
    // would otherwise go on to the next page, and the next, for as long as events are passed
    // over: a long archived stream would fill memory with placeholders. Ending it on the limit
    // leaves the rest to the next page; the placeholders kept move the checkpoint past them.
    const keep = (recorded: RecordedEvent) => {
      this.buffer.push(recorded);
      this.lastPosition = recorded.position;
      if (++count >= limit) void read.return?.();
    };
    const onUndecodable = (error: UndecodableEventError) => keep(placeholderFor(error));
    const onHidden = (row: StoredEventTuple) => keep(hiddenPlaceholderFor(row));
    const read = this.store.readLog({ from: this.lastPosition + 1, pageSize: limit, onUndecodable }, onHidden);
    for await (const recorded of read) keep(recorded);
    // A short page means the head was reached, unless live events were turned away during the
    // read: they may have committed after the page was read, so look again.
    if (count < limit && this.missedWhileReading === missedBefore) this.behind = false;
  }
}

function hiddenPlaceholderFor(row: StoredEventTuple): RecordedEvent {
  const [position, eventId, streamType, streamId, streamVersion, type] = row;
  return {
    position: Number(position),
    eventId,
    streamType,
    streamId,
    streamVersion: Number(streamVersion),
    type,
    schemaVersion: 0,
    event: new HiddenEvent(),
    metadata: {},
    recordedAt: new Date(0),
  };
}

function placeholderFor(error: UndecodableEventError): RecordedEvent {
  return {
    position: error.position,
    eventId: error.eventId ?? '',
    streamType: error.streamType,
    streamId: error.streamId,
    streamVersion: error.streamVersion,
    type: error.type,
    schemaVersion: 0,
    event: new UndecodableEvent(error),
    metadata: {},
    recordedAt: error.recordedAt ?? new Date(0),
  };
}
