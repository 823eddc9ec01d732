import type { Kysely } from 'kysely';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventStore } from '../event-store/event-store';
import type { InstanceDeadline, ProcessInstance } from '../process-managers/inspection/process-instance';
import { readInstance } from '../process-managers/inspection/process-instances';
import { describeValue } from '../store/describe-value';
import type { PublishOptions } from '../store/event-log';
import type { NewEvent } from '../store/new-event';
import type { RecordedEvent } from '../store/recorded-event';
import type { StreamRef } from '../store/stream-ref';
import { reportedFrom } from './assertion-failure';
import { checkAppended, checkDeadlines, checkEnded, checkState, type ExpectedDeadline } from './process-manager-checks';
import type { DeliveredDeadline, ProcessTimeline } from './process-timeline';

/**
 * A process manager under test, as {@link processManagerFixture} starts it: append events with
 * `given` and move the clock with `advanceBy` or `advanceTo`, which run the steps they cause;
 * then look at the instances (`state`, `instance`, `deadlines`) and at what the last of those
 * calls appended (`appended`), or check them with the `then` methods, whose failures say what
 * differs.
 *
 * @example
 * ```ts
 * const run = await processManagerFixture<Expiry>(new OrderExpiry(), { now: new Date('2026-03-02T09:00:00Z') });
 * await run.given({ type: 'Order', id: 'o-1' }, new OrderPlaced('o-1', 'KRW-BTC'));
 * console.log(await run.state('o-1')); // { market: 'KRW-BTC' }
 * await run.close();
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as for ProcessContext: the state is the test's, and untyped code names any table
export class ProcessManagerRun<State extends object = Record<string, unknown>, DB = any> {
  private latest: readonly RecordedEvent[] = [];

  /** @internal Use {@link processManagerFixture}. */
  constructor(
    /** The store the process manager runs on: an SQLite database in memory, for this run only. */
    readonly store: EventStore<DB>,
    /** The process manager's name, as `@ProcessManager` gave it. */
    readonly name: string,
    private readonly timeline: ProcessTimeline,
  ) {}

  /** The store's database, typed as `DB`, for the tables the steps write through `process.db`. */
  get db(): Kysely<DB> {
    return this.store.db;
  }

  /** The fixture's clock: what steps see as `process.now`. It moves only with `advanceBy` and `advanceTo`. */
  get now(): Date {
    return new Date(this.timeline.now);
  }

  /**
   * The events the steps appended (commands, published events) during the last `given`,
   * `publish`, `catchUp`, `advanceBy` or `advanceTo`, in order, as stored.
   */
  get appended(): readonly RecordedEvent[] {
    return this.latest;
  }

  /**
   * Appends `events` to `stream`, then runs the process manager's step for each of them it
   * handles, and for what those steps append, in log order, with the clock as it stands.
   *
   * @returns the events as stored.
   * @throws the error of a step that failed: that step left nothing behind, and the events after
   * it were not stepped until the next call.
   */
  async given(stream: StreamRef, ...events: Array<object | NewEvent>): Promise<readonly RecordedEvent[]> {
    const { events: recorded } = await this.store.append(stream, events);
    await this.catchUp();
    return recorded;
  }

  /** Publishes an event that belongs to no aggregate (see `store.publish`), then runs steps like {@link ProcessManagerRun.given}. */
  async publish(event: object | NewEvent, options?: PublishOptions): Promise<RecordedEvent> {
    const recorded = await this.store.publish(event, options);
    await this.catchUp();
    return recorded;
  }

  /** Runs the steps of events appended another way than `given`: by `store.repository(Order).save(...)`, say. */
  async catchUp(): Promise<void> {
    await this.recording((appended) => this.timeline.catchUp(appended));
  }

  /**
   * Moves the clock `ms` milliseconds on, delivering each deadline that falls due meanwhile, the
   * earliest first, with the clock at its due time; each in a transaction that also removes it.
   *
   * @returns the deadlines delivered, in order.
   * @throws the error of a deadline's step that failed: the deadline stays, the clock stops at
   * its due time, and the next move delivers it again.
   */
  async advanceBy(ms: number): Promise<readonly DeliveredDeadline[]> {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new InvalidArgumentError('ms', `expected a number of milliseconds, 0 or more, got ${describeValue(ms)}.`);
    }
    return this.advance(this.timeline.now + ms);
  }

  /**
   * Moves the clock to `time`, delivering the deadlines due by then as {@link ProcessManagerRun.advanceBy} does.
   *
   * @throws {@link InvalidArgumentError} for a time before the clock's: it only moves forward.
   */
  async advanceTo(time: Date): Promise<readonly DeliveredDeadline[]> {
    if (!(time instanceof Date) || Number.isNaN(time.getTime())) throw new InvalidArgumentError('time', `expected a valid Date, got ${describeValue(time)}.`);
    if (time.getTime() < this.timeline.now) {
      throw new InvalidArgumentError('time', `the clock only moves forward: it is ${this.now.toISOString()}, and ${time.toISOString()} is before that.`);
    }
    return this.advance(time.getTime());
  }

  /** The state of the instance `key` as stored, or undefined when it has none (not started, or ended and deleted). */
  async state(key: string): Promise<State | undefined> {
    return ((await this.instance(key))?.state ?? undefined) as State | undefined;
  }

  /** The instance `key` with its status, version, state and deadlines, or undefined when nothing of it is stored. */
  async instance(key: string): Promise<ProcessInstance | undefined> {
    if (typeof key !== 'string' || key === '') throw new InvalidArgumentError('key', `expected an instance's correlation key, got ${describeValue(key)}.`);
    return readInstance(this.store.eventfoldDb, this.name, key);
  }

  /** The deadlines the instance `key` waits for, the earliest first. */
  async deadlines(key: string): Promise<readonly InstanceDeadline[]> {
    return (await this.instance(key))?.deadlines ?? [];
  }

  /**
   * Checks that the instance `key` has a stored state equal to `expected`, field by field.
   *
   * @returns the state.
   * @throws `AssertionError` naming each field that differs, or saying that there is no such instance.
   */
  async thenState(key: string, expected: State): Promise<State> {
    const instance = await this.instance(key);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only compared with the frames of the stack, never called
    return reportedFrom(this.thenState, () => checkState(this.name, key, instance, expected, this.timeline.keys)) as State;
  }

  /**
   * Checks that the instance `key` waits for exactly these deadlines: each its name and due time,
   * and its payload when the expected one names a `payload`; in any order. With none, that it
   * waits for none.
   *
   * @throws `AssertionError` listing the deadlines expected and those found.
   */
  async thenDeadlines(key: string, ...expected: ExpectedDeadline[]): Promise<readonly InstanceDeadline[]> {
    const found = await this.deadlines(key);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only compared with the frames of the stack, never called
    return reportedFrom(this.thenDeadlines, () => checkDeadlines(this.name, key, found, expected));
  }

  /**
   * Checks that the instance `key` ended: it is kept as ended, or it was deleted with its
   * deadlines after a step ran for it.
   *
   * @throws `AssertionError` saying it still runs, with its state and deadlines, or that no step ever ran for it.
   */
  async thenEnded(key: string): Promise<void> {
    const instance = await this.instance(key);
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only compared with the frames of the stack, never called
    reportedFrom(this.thenEnded, () => checkEnded(this.name, key, instance, this.timeline.keys));
  }

  /**
   * Checks that the steps of the last `given`, `publish`, `catchUp`, `advanceBy` or `advanceTo`
   * appended exactly `expected`, in order, compared by class and payload as `thenEvents` of an
   * aggregate's fixture compares them. With none, that they appended nothing.
   *
   * @returns the events as stored, for checks of their streams and metadata.
   * @throws `AssertionError` naming each event that differs and the path of each differing field.
   */
  thenAppended(...expected: object[]): readonly RecordedEvent[] {
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only compared with the frames of the stack, never called
    return reportedFrom(this.thenAppended, () => checkAppended(this.name, this.latest, expected));
  }

  /** Drops the store with everything in it. Closing twice is harmless. */
  close(): Promise<void> {
    return this.store.close();
  }

  private async advance(until: number): Promise<readonly DeliveredDeadline[]> {
    let delivered: readonly DeliveredDeadline[] = [];
    await this.recording(async (appended) => {
      delivered = await this.timeline.advanceTo(until, appended);
    });
    return delivered;
  }

  /** Runs `work`, and keeps what the steps appended meanwhile as {@link ProcessManagerRun.appended}, even when a step fails. */
  private async recording(work: (appended: RecordedEvent[]) => Promise<void>): Promise<void> {
    const appended: RecordedEvent[] = [];
    this.latest = appended;
    await work(appended);
  }
}
