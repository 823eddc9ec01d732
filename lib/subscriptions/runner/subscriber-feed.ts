import { readEventDefinition } from '../../events/domain-event.decorator';
import type { RecordedEvent } from '../../store/recorded-event';
import { sleep } from '../attempts';
import type { BoundSubscriber } from '../bound-subscriber';
import { EventFeed, UndecodableEvent } from '../event-feed';
import { segmentOfStream } from '../segments/segments';
import type { RunnerEnvironment } from './runner-environment';

/**
 * What one subscriber is given to handle: the {@link EventFeed} of the log from its checkpoint
 * on, the head of the log as last seen, and which events are its own (its event types; for a
 * segment, its streams).
 */
export class SubscriberFeed {
  /** The log's head as last seen, which may include appends of other processes. */
  head = 0;
  private feed: EventFeed;
  private filling = false;
  private readonly handledTypes: Set<string>;

  constructor(
    private readonly env: RunnerEnvironment,
    private readonly subscriber: BoundSubscriber,
  ) {
    this.feed = this.newFeed(0);
    this.handledTypes = new Set(subscriber.eventClasses.map((eventClass) => readEventDefinition(eventClass)?.name ?? ''));
  }

  /** Events waiting in memory. */
  get size(): number {
    return this.feed.size;
  }

  /** True when the feed holds nothing and knows of nothing more in the log. */
  get drained(): boolean {
    return this.feed.drained;
  }

  /** Whether the log may hold events not read yet. */
  get isBehind(): boolean {
    return this.feed.isBehind;
  }

  /** Notes freshly committed events, and takes them in when `working`. */
  offer(events: readonly RecordedEvent[], working: boolean): void {
    const last = events.at(-1);
    if (last === undefined) return;
    this.head = Math.max(this.head, last.position);
    if (working) this.feed.offer(events);
  }

  /** Notes that the log reaches `head`, for appends this process was not told about. */
  noticeHead(head: number, working: boolean): void {
    this.head = Math.max(this.head, head);
    if (working) this.feed.noticeHead(head);
  }

  /**
   * Starts again after `position` with a fresh feed: a page read in flight belongs to the old one
   * and is dropped with it.
   */
  restartAfter(position: number): void {
    this.feed = this.newFeed(position);
  }

  /** The next event of the feed, if one is in memory. */
  next(): RecordedEvent | undefined {
    return this.feed.next();
  }

  /**
   * Whether the subscriber has a handler for this event (or would have, were it decodable), and,
   * for a segment, whether the event's stream is the segment's.
   */
  handles(recorded: RecordedEvent): boolean {
    const segment = this.subscriber.segment;
    if (segment && segmentOfStream(recorded.streamType, recorded.streamId, segment.count) !== segment.index) return false;
    if (recorded.event instanceof UndecodableEvent) return this.handledTypes.has(recorded.type);
    return this.subscriber.handlers.has(recorded.event.constructor);
  }

  /**
   * Reads the next page of the log when the feed is behind and nothing is being read; the read
   * is handed to `track`. A read that fails is reported and tried again a second later.
   */
  fill(track: (task: Promise<void>) => void, stopping: AbortSignal): void {
    if (this.filling || !this.feed.isBehind) return;
    this.filling = true;
    const fill = this.feed.fill().catch(async (error) => {
      this.env.onError(error, this.subscriber.name);
      await sleep(1000, stopping);
    });
    track(fill.finally(() => (this.filling = false)));
  }

  private newFeed(after: number): EventFeed {
    return new EventFeed(this.env.store, after, this.subscriber.bufferSize, this.env.pageSize);
  }
}
