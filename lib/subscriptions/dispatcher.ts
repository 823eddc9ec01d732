import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventStore } from '../store/event-store';
import { StoreClosedError } from '../store/store-closed-error';
import { bindSubscriber, splitIntoSegments, type BoundSubscriber } from './bound-subscriber';
import { DeadLetterStore, type DeadLetter } from './dead-letter-store';
import type { DispatcherOptions } from './dispatcher-options';
import { FailureReports } from './logging/failure-reports';
import { SILENT_LOGGER } from './logging/subscriber-logger';
import { rebuildProjection, type RebuildOptions, type RebuildProgress } from './projection-rebuild';
import { ProjectionReplay } from './runner/projection-replay';
import type { RunnerEnvironment } from './runner/runner-environment';
import { SubscriberRunner } from './runner/subscriber-runner';
import { SegmentGroup } from './segments/segment-group';
import { adoptSegmentLayout } from './segments/segment-layout';
import { DispatcherStoppedError, DuplicateSubscriberError, UnknownSubscriberError } from './subscriber-errors';
import type { SubscriberStats } from './subscriber-stats';
import { SubscriptionStore } from './subscription-store';

/**
 * Delivers the store's events to subscribers (`@EventHandler` and `@Projection` instances).
 *
 * On start every subscriber catches up from its checkpoint, redelivering whatever it had not
 * finished when the process last stopped or crashed, then receives each append right after it
 * commits. Start one dispatcher per process; where several processes share a database, each
 * subscriber runs in one of them at a time.
 *
 * @example
 * ```ts
 * const dispatcher = await Dispatcher.start(store, [new OpenOrders(), new FillNotifier(mailer)]);
 * await orders.save(order);      // subscribers receive the events right after the commit
 * await dispatcher.idle();       // every subscriber has caught up with the log
 * console.table(dispatcher.stats());
 * await dispatcher.stop();
 * ```
 */
export class Dispatcher {
  private stopping: Promise<void> | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private pollAgain = false;
  /** A poll found appends of this process in flight and waits for them to be announced. */
  private pollDeferred = false;
  private unsubscribe: () => void = () => undefined;
  private stopWatching: () => Promise<void> = async () => undefined;

  private constructor(
    private readonly store: EventStore,
    /** Highest priority first: live events are offered in this order. */
    private readonly runners: readonly SubscriberRunner[],
    private readonly deadLetterStore: DeadLetterStore,
    private readonly onError: (error: unknown, subscriber: string) => void,
    private readonly groups: readonly SegmentGroup[],
  ) {}

  /**
   * Starts delivering events to `subscribers`. Resolves once each subscriber has taken its lease
   * (or is standing by for it) and begun catching up.
   *
   * @throws {@link UnregisteredSubscriberError} for an object that is not a subscriber.
   * @throws {@link DuplicateSubscriberError} when two subscribers share a name.
   */
  static async start(store: EventStore, subscribers: readonly object[], options: DispatcherOptions = {}): Promise<Dispatcher> {
    if (store.isClosed) throw new StoreClosedError('start a dispatcher');
    if (!Array.isArray(subscribers) || subscribers.length === 0) {
      throw new InvalidArgumentError('subscribers', 'expected a non-empty array of @EventHandler or @Projection instances.');
    }
    const bound = bindAll(subscribers);
    for (const subscriber of bound) store.registerEvents(...subscriber.eventClasses);
    const reports = new FailureReports(options.logger === false ? SILENT_LOGGER : (options.logger ?? console));
    const env: RunnerEnvironment = {
      store,
      subscriptions: new SubscriptionStore(store.db, store.flavour),
      deadLetters: new DeadLetterStore(store.db),
      owner: options.processId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      leaseMs: positive(options.leaseMs ?? 5000, 'options.leaseMs'),
      pageSize: positive(options.pageSize ?? 500, 'options.pageSize'),
      onError: options.onError ?? ((error, subscriber) => reports.ownError(subscriber, error)),
      reports,
    };
    const saved = await env.subscriptions.list();
    for (const subscriber of bound) await adoptSegmentLayout(env, subscriber, saved);
    const groups = new Map<string, SegmentGroup>();
    const runners = bound
      .flatMap(splitIntoSegments)
      .map((subscriber) => new SubscriberRunner(env, subscriber, subscriber.segment && groupOf(groups, env, subscriber.segment)))
      .sort((a, b) => b.subscriber.priority - a.subscriber.priority);
    const dispatcher = new Dispatcher(store, runners, env.deadLetters, env.onError, [...groups.values()]);
    dispatcher.unsubscribe = store.onAppended((events) => {
      for (const runner of runners) runner.offer(events);
      if (dispatcher.pollDeferred) void dispatcher.poll();
    });
    try {
      await Promise.all(dispatcher.groups.map((group) => group.join()));
      // Every start settles before a failure stops them all: a runner still starting would
      // otherwise go on running after the caller was told the dispatcher failed.
      const started = await Promise.allSettled(runners.map((runner) => runner.start()));
      const failed = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (error) {
      await dispatcher.stop();
      throw error;
    }
    dispatcher.pollTimer = setInterval(() => void dispatcher.poll(), positive(options.pollIntervalMs ?? 250, 'options.pollIntervalMs'));
    // Where the database announces commits (PostgreSQL), appends of other processes wake the
    // subscribers at once; the poll stays as a safety net.
    dispatcher.stopWatching = await store.watchAppends(
      () => void dispatcher.poll(),
      (error) => env.onError(error, '(dispatcher)'),
    );
    return dispatcher;
  }

  /**
   * Names of the subscribers, highest priority first. A subscriber split into segments appears as
   * its segments, e.g. `open-orders[1/2]` and `open-orders[2/2]`.
   */
  get subscriberNames(): string[] {
    return this.runners.map((runner) => runner.name);
  }

  /**
   * Resolves when every running subscriber has finished every event up to the log's head as it
   * is now, and has saved its checkpoint. Halted subscribers, and those another process runs,
   * are not waited for.
   */
  async idle(): Promise<void> {
    this.assertRunning('wait for idle');
    const head = await this.store.headPosition();
    await Promise.all(this.runners.map((runner) => runner.waitFor(head)));
    await Promise.all(this.runners.map((runner) => runner.flush()));
  }

  /** Lets in-flight work finish, saves checkpoints, gives up leases. A second call is harmless. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.unsubscribe();
      clearInterval(this.pollTimer);
      await this.stopWatching().catch((error) => this.onError(error, '(dispatcher)'));
      try {
        const stopped = await Promise.allSettled(this.runners.map((runner) => runner.stop()));
        for (const outcome of stopped) if (outcome.status === 'rejected') this.onError(outcome.reason, '(dispatcher)');
      } finally {
        await Promise.all(this.groups.map((group) => group.leave()));
      }
    })();
    return this.stopping;
  }

  /** Figures per subscriber, highest priority first. */
  stats(): SubscriberStats[] {
    return this.runners.map((runner) => runner.snapshot());
  }

  /** Dead letters, oldest first, of one subscriber (or one segment of it) or of all. */
  async deadLetters(subscriber?: string): Promise<DeadLetter[]> {
    if (subscriber === undefined) return this.deadLetterStore.list();
    return this.deadLetterStore.list(this.runnersNamed(subscriber).map((runner) => runner.name));
  }

  /**
   * Runs a dead letter's event through its subscriber again (with the retry policy). On success
   * the dead letter is removed and a subscriber halted on it resumes. Resolves to whether it
   * succeeded this time.
   */
  async retryDeadLetter(id: number): Promise<boolean> {
    this.assertRunning('retry a dead letter');
    const letter = await this.deadLetterNamed(id);
    return this.runnerHolding(letter, 'retry').retryDeadLetter(letter);
  }

  /** Removes a dead letter for good; a subscriber halted on it moves past the event and resumes. */
  async discardDeadLetter(id: number): Promise<void> {
    this.assertRunning('discard a dead letter');
    const letter = await this.deadLetterNamed(id);
    await this.runnerHolding(letter, 'discard').discardDeadLetter(letter);
  }

  /**
   * Resumes a halted subscriber at the event it halted on (after a fix was deployed, say). For a
   * subscriber split into segments, every halted segment resumes.
   */
  resume(subscriber: string): void {
    this.assertRunning('resume a subscriber');
    for (const runner of this.runnersNamed(subscriber)) runner.resume();
  }

  /**
   * Rebuilds a projection: empties its read model with its `reset(db)`, replays the whole log
   * into it in large batches with progress reports, then carries on live.
   *
   * @example
   * ```ts
   * await dispatcher.rebuild('open-orders', {
   *   onProgress: ({ done, total, rate }) => console.log(`${done}/${total} at ${Math.round(rate)}/s`),
   * });
   * ```
   */
  async rebuild(projection: string, options: RebuildOptions = {}): Promise<RebuildProgress> {
    this.assertRunning('rebuild a projection');
    const projections = this.runnersNamed(projection).map((runner) => new ProjectionReplay(runner));
    if (projections.length === 1 && projections[0].subscriber.segment) {
      const whole = projections[0].subscriber.segment.subscriber;
      throw new InvalidArgumentError('projection', `'${projection}' is one segment of '${whole}'; rebuild '${whole}', whose segments share one read model.`);
    }
    return rebuildProjection(this.store, projection, projections, options);
  }

  private async poll(): Promise<void> {
    if (this.stopping) return;
    if (this.polling) {
      // A commit announced while the head is being read may be newer than what that read sees.
      this.pollAgain = true;
      return;
    }
    this.polling = true;
    try {
      do {
        this.pollAgain = false;
        this.pollDeferred = false;
        const head = await this.store.headPosition();
        if (this.store.hasAppendsInFlight) {
          // The head may include an append of this process whose events are about to be handed
          // to the subscribers in memory, in priority order. Acting on the head now would send
          // them to read the log instead, each at its own pace; look again once it is announced.
          this.pollDeferred = true;
          break;
        }
        for (const runner of this.runners) runner.noticeHead(head);
      } while (this.pollAgain && !this.stopping);
    } catch (error) {
      if (!this.store.isClosed) this.onError(error, '(dispatcher)');
    } finally {
      this.polling = false;
    }
  }

  /** The runner of a subscriber or of one segment, or every segment of a subscriber split into segments. */
  private runnersNamed(name: string): SubscriberRunner[] {
    const segments = this.runners.filter((runner) => runner.subscriber.segment?.subscriber === name);
    return segments.length > 0 ? segments : [this.runnerNamed(name)];
  }

  private runnerNamed(name: string): SubscriberRunner {
    const runner = this.runners.find((candidate) => candidate.name === name);
    if (!runner) throw new UnknownSubscriberError(name, this.subscriberNames);
    return runner;
  }

  /**
   * The runner of a dead letter's subscriber, which must run here: where another process holds
   * its lease, acting here could apply the event beside that process, twice for a projection.
   */
  private runnerHolding(letter: DeadLetter, operation: string): SubscriberRunner {
    const runner = this.runnerNamed(letter.subscriber);
    if (runner.state === 'standby' || runner.state === 'starting') {
      throw new InvalidArgumentError(
        'id',
        `dead letter ${letter.id} belongs to '${letter.subscriber}', which another process runs now; ${operation} it in that process, or stop that process first.`,
      );
    }
    return runner;
  }

  private async deadLetterNamed(id: number): Promise<DeadLetter> {
    const letter = Number.isSafeInteger(id) ? await this.deadLetterStore.get(id) : undefined;
    if (!letter) throw new InvalidArgumentError('id', `no dead letter has id ${String(id)}; list them with dispatcher.deadLetters().`);
    return letter;
  }

  private assertRunning(operation: string): void {
    if (this.stopping) throw new DispatcherStoppedError(operation);
  }
}

/** The group of the segments of one subscriber that this process runs, made on first use. */
function groupOf(groups: Map<string, SegmentGroup>, env: RunnerEnvironment, segment: { subscriber: string; count: number }): SegmentGroup {
  let group = groups.get(segment.subscriber);
  if (!group) groups.set(segment.subscriber, (group = new SegmentGroup(env, segment.subscriber, segment.count)));
  return group;
}

function bindAll(subscribers: readonly object[]): BoundSubscriber[] {
  const bound = subscribers.map(bindSubscriber);
  const names = new Set<string>();
  for (const { name } of bound) {
    if (names.has(name)) throw new DuplicateSubscriberError(name);
    names.add(name);
  }
  return bound;
}

function positive(value: number, argument: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new InvalidArgumentError(argument, `expected a whole number >= 1, got ${String(value)}.`);
  return value;
}
