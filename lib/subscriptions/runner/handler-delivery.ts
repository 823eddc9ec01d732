import type { RecordedEvent } from '../../store/recorded-event';
import { sleep } from '../attempts';
import type { Delivery, DeliveryHost } from './delivery';

/**
 * Delivers to an `@EventHandler`: events of one stream one after another, events of different
 * streams side by side up to the handler's concurrency. An event the journal wants attempted
 * alone (after a crash) runs with nothing beside it.
 */
export class HandlerDelivery implements Delivery {
  /** Events taken but not started, per stream, in order. */
  private readonly queues = new Map<string, RecordedEvent[]>();
  /**
   * Streams with a queued event and nothing running, oldest first event first: with one event at
   * a time the handler sees the log in order, and the checkpoint keeps close behind.
   */
  private readonly ready: Array<{ stream: string; position: number }> = [];
  private readonly busy = new Set<string>();
  private queued = 0;
  /** An event attempted alone is running: nothing starts beside it. */
  private alone = false;
  /** Events the handler halted on, one per stream at most (with concurrency above 1, several streams may halt). */
  private halted: RecordedEvent[] = [];
  /** Positions of halted events delivered again after a resume: their dead letters go when they succeed. */
  private readonly redelivered = new Set<number>();

  constructor(private readonly host: DeliveryHost) {}

  dispatch(): void {
    const { subscriber, journal, checkpoints } = this.host;
    // Take events while there is room, so that a busy stream does not hold back the others.
    while (this.queued < subscriber.bufferSize) {
      const recorded = this.host.takeNext();
      if (!recorded) break;
      this.enqueue(recorded);
    }
    while (!this.alone && this.busy.size < subscriber.concurrency && this.ready.length > 0) {
      const { stream, position } = this.ready[0];
      const careful = journal.isCareful(position);
      if (careful && this.busy.size > 0) break;
      if (!journal.isAnnounced(position, position, checkpoints.checkpoint)) break;
      this.ready.shift();
      const queue = this.queues.get(stream) as RecordedEvent[];
      const recorded = queue.shift() as RecordedEvent;
      if (queue.length === 0) this.queues.delete(stream);
      this.queued--;
      this.busy.add(stream);
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
    await this.host.env.deadLetters.remove(this.host.env.store.db, this.host.name, position);
    this.release(streamOf(halted));
    this.host.finished([halted], false);
  }

  onResume(): void {
    for (const halted of this.halted) {
      const stream = streamOf(halted);
      this.queues.set(stream, [halted, ...(this.queues.get(stream) ?? [])]);
      this.queued++;
      this.busy.delete(stream);
      this.markReady(stream, halted.position);
      this.redelivered.add(halted.position);
    }
    this.halted = [];
  }

  forgetTaken(): void {
    this.queues.clear();
    this.ready.length = 0;
    this.busy.clear();
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
      if (!this.busy.has(stream)) this.markReady(stream, recorded.position);
    }
    this.queued++;
  }

  private async handle(stream: string, recorded: RecordedEvent): Promise<void> {
    const { env, name } = this.host;
    try {
      const outcome = await this.host.attempts.attempt(recorded);
      if (outcome.kind === 'stopped') return;
      if (outcome.kind === 'succeeded') {
        await this.host.clearHaltedLetter(env.store.db, [recorded.position]);
        if (this.redelivered.delete(recorded.position)) await env.deadLetters.remove(env.store.db, name, recorded.position);
        this.host.finished([recorded], true);
      } else if (!(await this.host.giveUp(recorded, outcome))) {
        // Halted: the stream stays busy so nothing after the event runs before it.
        this.halted.push(recorded);
        return;
      }
    } catch (error) {
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
    }
    this.release(stream);
  }

  private release(stream: string): void {
    this.busy.delete(stream);
    const queue = this.queues.get(stream);
    if (queue) this.markReady(stream, queue[0].position);
  }

  private markReady(stream: string, position: number): void {
    let low = 0;
    let high = this.ready.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.ready[middle].position < position) low = middle + 1;
      else high = middle;
    }
    this.ready.splice(low, 0, { stream, position });
  }
}

function streamOf(recorded: RecordedEvent): string {
  return `${recorded.streamType}\u0000${recorded.streamId}`;
}
