import { readEventDefinition } from '../../events/domain-event.decorator';
import type { RecordedEvent } from '../../store/recorded-event';
import { sleep, type BackoffHooks } from '../attempts';
import { StaleCheckpointError } from './checkpoint-writer';
import { ConcurrencySlots } from './concurrency-slots';
import type { Delivery, DeliveryHost } from './delivery';

/** A stream with a queued event and nothing running, ranked by the priority and position of that event. */
interface ReadyStream {
  readonly stream: string;
  readonly priority: number;
  readonly position: number;
}

/**
 * Delivers to an `@EventHandler`: events of one stream one after another, events of different
 * streams side by side up to the handler's concurrency, higher priority first. An event waiting
 * out a retry's backoff leaves its slot to other streams meanwhile, unless the handler halts on
 * failure (then what comes after waits, as a halt promises). An event the journal wants
 * attempted alone (after a crash) runs with nothing beside it.
 */
export class HandlerDelivery implements Delivery {
  /** Events taken but not started, per stream, in order. */
  private readonly queues = new Map<string, RecordedEvent[]>();
  /**
   * Streams with a queued event and nothing running: highest priority first, then oldest first
   * event first, so that with one event at a time and no priorities the handler sees the log in
   * order, and the checkpoint keeps close behind.
   */
  private readonly ready: ReadyStream[] = [];
  /** Streams with an event in progress (running, or waiting to retry). */
  private readonly busy = new Set<string>();
  private readonly slots: ConcurrencySlots;
  private queued = 0;
  /** An event attempted alone is running: nothing starts beside it. */
  private alone = false;
  /** Events the handler halted on, one per stream at most (with concurrency above 1, several streams may halt). */
  private halted: RecordedEvent[] = [];
  /** Positions of halted events delivered again after a resume: their dead letters go when they succeed. */
  private readonly redelivered = new Set<number>();

  constructor(private readonly host: DeliveryHost) {
    this.slots = new ConcurrencySlots(host.subscriber.concurrency);
  }

  dispatch(): void {
    const { subscriber, journal, checkpoints } = this.host;
    // Take events while there is room, so that a busy stream does not hold back the others.
    while (this.queued < subscriber.bufferSize) {
      const recorded = this.host.takeNext();
      if (!recorded) break;
      this.enqueue(recorded);
    }
    while (!this.alone && this.slots.isFree) {
      const next = this.ready[0];
      if (next === undefined) break;
      const { stream, position } = next;
      const careful = journal.isCareful(position);
      if (careful && this.busy.size > 0) break;
      if (!journal.isAnnounced(position, position, checkpoints.checkpoint)) break;
      this.ready.shift();
      const queue = this.queues.get(stream) as RecordedEvent[];
      const recorded = queue.shift() as RecordedEvent;
      if (queue.length === 0) this.queues.delete(stream);
      this.queued--;
      this.busy.add(stream);
      this.slots.take();
      this.alone = careful;
      this.host.track(this.handle(stream, recorded));
    }
  }

  haltedOn(position: number): boolean {
    return this.halted.some((event) => event.position === position);
  }

  async skipHaltedEvent(position: number): Promise<void> {
    const halted = this.halted.find((event) => event.position === position);
    if (!halted) return;
    this.halted = this.halted.filter((event) => event !== halted);
    await this.host.env.deadLetters.remove(this.host.env.store.eventfoldDb, this.host.name, position);
    this.release(streamOf(halted));
    this.host.finished([halted], false);
  }

  onResume(): void {
    for (const halted of this.halted) {
      const stream = streamOf(halted);
      this.queues.set(stream, [halted, ...(this.queues.get(stream) ?? [])]);
      this.queued++;
      this.busy.delete(stream);
      this.markReady(stream, halted);
      this.redelivered.add(halted.position);
    }
    this.halted = [];
  }

  forgetTaken(): void {
    this.queues.clear();
    this.ready.length = 0;
    this.busy.clear();
    this.slots.reset();
    this.queued = 0;
    this.alone = false;
    this.halted = [];
    this.redelivered.clear();
  }

  private enqueue(recorded: RecordedEvent): void {
    const stream = streamOf(recorded);
    const queue = this.queues.get(stream);
    if (queue) queue.push(recorded);
    else {
      this.queues.set(stream, [recorded]);
      if (!this.busy.has(stream)) this.markReady(stream, recorded);
    }
    this.queued++;
  }

  private async handle(stream: string, recorded: RecordedEvent): Promise<void> {
    const { env, name } = this.host;
    let holdsSlot = true;
    const backoff: BackoffHooks = {
      waiting: () => {
        holdsSlot = false;
        this.slots.give();
        this.host.pump();
      },
      resuming: async () => {
        await this.slots.takeForRetry();
        holdsSlot = true;
      },
    };
    try {
      // A handler that halts on failure keeps its slot: events after one that may halt it wait.
      const parks = this.host.subscriber.onFailure === 'park';
      const outcome = await this.host.attempts.attempt(recorded, undefined, undefined, parks ? backoff : undefined);
      if (outcome.kind === 'stopped') return;
      if (outcome.kind === 'succeeded') {
        await this.host.clearHaltedLetter(env.store.eventfoldDb, [recorded.position]);
        if (this.redelivered.delete(recorded.position)) await env.deadLetters.remove(env.store.eventfoldDb, name, recorded.position);
        this.host.finished([recorded], true);
      } else if (!(await this.host.giveUp(recorded, outcome))) {
        // Halted: the stream stays busy so nothing after the event runs before it.
        this.halted.push(recorded);
        return;
      }
    } catch (error) {
      if (error instanceof StaleCheckpointError) {
        // The lease went to another process, which delivers the event from now on.
        this.host.recover(error);
        return;
      }
      // eventfold's own bookkeeping failed (the database went away while a dead letter was being
      // written, say), so the outcome is not recorded: the event goes back to the front of its
      // stream and is delivered again shortly, rather than leaving the stream stuck.
      env.onError(error, name);
      await sleep(1000, this.host.stopping);
      // Whatever the state now (halted by another stream, standing by), the event must not be
      // lost from its stream; only a stopped runner leaves it to the next start.
      if (this.host.state === 'stopped') return;
      this.queues.set(stream, [recorded, ...(this.queues.get(stream) ?? [])]);
      this.queued++;
    } finally {
      this.alone = false;
      if (holdsSlot) this.slots.give();
    }
    this.release(stream);
  }

  private release(stream: string): void {
    this.busy.delete(stream);
    // A stream's queue is deleted when its last event is taken, so one that is there has a head.
    const next = this.queues.get(stream)?.[0];
    if (next) this.markReady(stream, next);
  }

  private markReady(stream: string, next: RecordedEvent): void {
    const entry: ReadyStream = { stream, priority: priorityOf(next), position: next.position };
    let low = 0;
    let high = this.ready.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (goesBefore(this.ready[middle]!, entry))
        low = middle + 1; // low <= middle < high <= length
      else high = middle;
    }
    this.ready.splice(low, 0, entry);
  }
}

function goesBefore(a: ReadyStream, b: ReadyStream): boolean {
  return a.priority !== b.priority ? a.priority > b.priority : a.position < b.position;
}

/** The event's own priority (from `publish`), else its class's, else 0. */
function priorityOf(recorded: RecordedEvent): number {
  const own = recorded.metadata.priority;
  if (typeof own === 'number' && Number.isFinite(own)) return own;
  return readEventDefinition(recorded.event.constructor)?.priority ?? 0;
}

function streamOf(recorded: RecordedEvent): string {
  return `${recorded.streamType}\u0000${recorded.streamId}`;
}
