import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { DeadlineDelivery } from '../process-managers/deadlines/deadline-delivery';
import type { DeadlineScheduler } from '../process-managers/deadline-scheduler';
import { deadlineDeliveryOf } from '../process-managers/dispatcher-deadlines';
import type { EventStore } from '../event-store/event-store';
import { StoreClosedError } from '../store/store-closed-error';
import { checkTimeoutMs } from '../validation/timer-delay';
import { refuseInlineProjections } from './inline/refuse-inline-projections';
import { bindAll, splitIntoSegments, type BoundSubscriber } from './bound-subscriber';
import type { DeadLetter } from './dead-letter-store';
import { checkDispatcherOptions, type DispatcherOptions, type DispatcherSettings } from './dispatcher-options';
import { DeadLetterNotFoundError } from './operations/dead-letter-not-found-error';
import { rebuildProjection, type RebuildOptions, type RebuildProgress } from './projection-rebuild';
import { ProjectionReplay } from './runner/projection-replay';
import { runnerEnvironment, type RunnerEnvironment } from './runner/runner-environment';
import { SubscriberRunner } from './runner/subscriber-runner';
import { LogWatch } from './log-watch';
import { SILENT_LOGGER } from './logging/subscriber-logger';
import { SignalShutdown } from './shutdown/signal-shutdown';
import { groupOf, type SegmentGroup } from './segments/segment-group';
import { adoptSegmentLayout } from './segments/segment-layout';
import { DispatcherStoppedError, UnknownSubscriberError } from './subscriber-errors';
import type { SubscriberStats } from './subscriber-stats';
import { observeSubscribers } from '../telemetry/subscriber-gauges';
import { SubscriptionStore } from './subscription-store';
import { checkWaitForOptions, positionToWaitFor, waitForPosition, type WaitForOptions } from './wait-for-position';
import { waitUntilLive } from './wait-until-live';
import type { AppendResult } from '../store/new-event';
import { describeValue } from '../store/describe-value';
import { checkWholeNumber } from '../validation/whole-number';

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
  private forgetStore: () => void = () => undefined;
  private stopObserving: () => void = () => undefined;
  private readonly watch: LogWatch;
  private readonly signals: SignalShutdown;
  private readonly pollIntervalMs: number;

  private constructor(
    private readonly store: EventStore,
    /** Highest priority first: live events are offered in this order. */
    private readonly runners: readonly SubscriberRunner[],
    private readonly env: RunnerEnvironment,
    private readonly groups: readonly SegmentGroup[],
    settings: DispatcherSettings,
    /** Delivers the deadlines of the process managers among the subscribers; undefined when there are none. */
    private readonly deadlineDelivery: DeadlineDelivery | undefined,
  ) {
    this.watch = new LogWatch(store, runners, settings, (error) => env.onError(error, '(dispatcher)'));
    this.pollIntervalMs = settings.pollIntervalMs;
    this.signals = new SignalShutdown(settings.shutdown, () => this.stop(), settings.logger === false ? SILENT_LOGGER : settings.logger);
  }

  /**
   * Starts delivering events to `subscribers`. Resolves once each subscriber has taken its lease
   * (or is standing by for it) and begun catching up.
   *
   * @throws {@link UnregisteredSubscriberError} for an object that is not a subscriber.
   * @throws {@link DuplicateSubscriberError} when two subscribers share a name.
   * @throws {@link InvalidArgumentError} for an option of the wrong kind, or a projection the store
   * already runs inline; nothing has started then.
   */
  static async start(store: EventStore, subscribers: readonly object[], options?: DispatcherOptions): Promise<Dispatcher> {
    // By shape rather than instanceof, so that a store of another copy of the package still passes.
    if (typeof (store as Partial<EventStore> | null)?.onAppended !== 'function') {
      throw new InvalidArgumentError('store', 'expected an EventStore, as EventStore.open(...) gives.');
    }
    if (store.isClosed) throw new StoreClosedError('start a dispatcher');
    const settings = checkDispatcherOptions(options);
    if (!Array.isArray(subscribers) || subscribers.length === 0) {
      throw new InvalidArgumentError('subscribers', 'expected a non-empty array of @EventHandler or @Projection instances.');
    }
    const bound = bindAll(subscribers);
    refuseInlineProjections(store, bound);
    for (const subscriber of bound) store.registerEvents(...subscriber.eventClasses);
    const deadlineNames = new Map(
      bound.flatMap(({ processManager }) => (processManager ? [[processManager.name, [...processManager.deadlineMethods.keys()]] as const] : [])),
    );
    const env = runnerEnvironment(store, settings, deadlineNames);
    // Closing the store stops the dispatcher first, instead of leaving it to fail on every query;
    // a close while the start is still under way waits for the start, then stops what it started.
    let dispatcher: Dispatcher | undefined;
    let startSettled!: () => void;
    const starting = new Promise<void>((resolve) => (startSettled = resolve));
    const forgetStore = store.beforeClose(async () => {
      await starting;
      await dispatcher?.stop();
    });
    try {
      dispatcher = await Dispatcher.startRunners(store, bound, env, settings);
      dispatcher.forgetStore = forgetStore;
      dispatcher.signals.listen();
      return dispatcher;
    } catch (error) {
      forgetStore();
      throw error;
    } finally {
      startSettled();
    }
  }

  private static async startRunners(store: EventStore, bound: readonly BoundSubscriber[], env: RunnerEnvironment, settings: DispatcherSettings): Promise<Dispatcher> {
    const saved = await env.subscriptions.list();
    for (const subscriber of bound) await adoptSegmentLayout(env, subscriber, saved);
    const groups = new Map<string, SegmentGroup>();
    const runners = bound
      .flatMap(splitIntoSegments)
      .map((subscriber) => new SubscriberRunner(env, subscriber, subscriber.segment && groupOf(groups, env, subscriber.segment)))
      .sort((a, b) => b.subscriber.priority - a.subscriber.priority);
    const deadlines = deadlineDeliveryOf(store, bound, env, settings.pollIntervalMs);
    const dispatcher = new Dispatcher(store, runners, env, [...groups.values()], settings, deadlines);
    dispatcher.watch.listen();
    try {
      await Promise.all(dispatcher.groups.map((group) => group.join()));
      // Every start settles before a failure stops them all: a runner still starting would
      // otherwise go on running after the caller was told the dispatcher failed.
      const started = await Promise.allSettled(runners.map((runner) => runner.start()));
      const failed = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failed) throw failed.reason;
      await dispatcher.watch.watch(settings.pollIntervalMs);
      // Deadlines that fell due while no process ran are delivered now, the first due first.
      deadlines?.start();
      dispatcher.stopObserving = observeSubscribers(store.telemetry, () => dispatcher.stats());
    } catch (error) {
      await dispatcher.stop();
      throw error;
    }
    return dispatcher;
  }

  /**
   * Schedules and cancels deadlines of process managers from outside their steps (a request
   * handler, a script), as event handlers do through `context.deadlines`. Deadlines scheduled here
   * for this dispatcher's process managers are delivered on time without waiting for a poll.
   *
   * @example
   * ```ts
   * await dispatcher.deadlines.schedule({ processManager: 'order-expiry', key: 'o-1', name: 'expire' }, { afterMs: 30_000 });
   * ```
   */
  get deadlines(): DeadlineScheduler {
    return this.env.deadlines;
  }

  /**
   * Names of the subscribers, highest priority first. A subscriber split into segments appears as
   * its segments, e.g. `open-orders[1/2]` and `open-orders[2/2]`.
   */
  get subscriberNames(): string[] {
    return this.runners.map((runner) => runner.name);
  }

  /**
   * Resolves when every subscriber working in this process has finished every event committed
   * to the log so far, and the events that its handlers appended meanwhile, and has saved its
   * checkpoint. (On PostgreSQL an event may become readable a little after it commits, see
   * {@link EventStore.headPosition}; `idle()` waits for that too.)
   *
   * It does not wait for subscribers that cannot move here: a halted one, or one on standby
   * because another process holds its lease (that process handles the events; this one takes
   * over only when that lease is given up or runs out). So right after `Dispatcher.start` beside
   * another running process, `idle()` may resolve with nothing handled here. To wait until every
   * subscriber of this dispatcher runs here and has caught up, use {@link Dispatcher.waitUntilLive}.
   */
  async idle(): Promise<void> {
    this.assertRunning('wait for idle');
    // Deadlines already due are this process's work too, and their steps may append.
    await this.deadlineDelivery?.deliverDue();
    let { latest: head } = await this.store.logHorizon();
    // A handler that appends (a process manager, say) adds events while the others are waited
    // for; they are this process's work too.
    for (;;) {
      const target = head;
      await Promise.all(this.runners.map((runner) => runner.waitFor(target)));
      if (this.store.lastAppendedPosition <= head) break;
      head = this.store.lastAppendedPosition;
    }
    await Promise.all(this.runners.map((runner) => runner.checkpoints.flush()));
  }

  /**
   * Resolves once every subscriber of this dispatcher holds its lease here and has finished every
   * event up to the log's head: for scripts and tests that must not go on while a subscriber is
   * still on standby behind another process's lease (one that was killed, say, whose lease has
   * yet to run out).
   *
   * @example
   * ```ts
   * const dispatcher = await Dispatcher.start(store, subscribers);
   * await dispatcher.waitUntilLive({ timeoutMs: 10_000 });
   * ```
   *
   * @throws {@link SubscribersNotLiveError} when some subscriber is halted, or still not live after
   * `timeoutMs` (default 30 s), naming each and the process that holds its lease.
   */
  async waitUntilLive(options: { timeoutMs?: number } = {}): Promise<void> {
    this.assertRunning('wait until live');
    const timeoutMs = checkTimeoutMs(options?.timeoutMs, 'options.timeoutMs', 30_000);
    await waitUntilLive(this.store, this.runners, timeoutMs, () => this.assertRunning('wait until live'));
  }

  /**
   * Resolves once the subscribers have finished every event up to `position`: a request handler
   * that saved something waits here until the read models show its own write. Give it the
   * position of an event, or what `store.append` or `repository.save` returned (its last event's
   * position; `undefined`, a save with nothing to save, resolves at once).
   *
   * Waits for every subscriber of this dispatcher, or those named in `options.subscribers`; for
   * a subscriber split into segments, for every segment. A subscriber another process runs (on
   * standby here) is followed through the checkpoint that process saves, read every
   * `pollIntervalMs`.
   *
   * @example
   * ```ts
   * const saved = await orders.save(order);
   * await dispatcher.waitFor(saved, { timeoutMs: 2_000, subscribers: ['open-orders'] });
   * // open_orders now shows the order
   * ```
   *
   * @throws {@link PositionNotReachedError} when a subscriber waited for is halted short of the
   * position, or some are still short of it after `timeoutMs` (default 5 s); it names each, its
   * checkpoint and how far behind it is.
   * @throws {@link InvalidArgumentError} for a position that is not a whole number of the log, or
   * is past its end; {@link UnknownSubscriberError} for a name that is not a subscriber's.
   */
  async waitFor(position: number | AppendResult | undefined, options: WaitForOptions = {}): Promise<void> {
    this.assertRunning('wait for a position');
    const target = positionToWaitFor(position);
    const timeoutMs = checkWaitForOptions(options);
    const runners = options.subscribers === undefined ? [...this.runners] : this.runnersToWaitFor(options.subscribers);
    if (target === 0) return;
    const { latest } = await this.store.logHorizon();
    if (target > latest) {
      throw new InvalidArgumentError(
        'position',
        `${target} is past the end of the log (${latest}): pass the position of an appended event, or what append or save returned.`,
      );
    }
    await waitForPosition(runners, {
      position: target,
      timeoutMs,
      pollIntervalMs: this.pollIntervalMs,
      subscriptions: new SubscriptionStore(this.store.backend),
      assertRunning: () => this.assertRunning('wait for a position'),
    });
  }

  /**
   * Lets in-flight work finish, saves checkpoints, gives up leases. A second call is harmless.
   * Listeners of `stopOnSignals` are removed, so the signals act as they would without them.
   */
  stop(): Promise<void> {
    this.signals.forget();
    this.stopObserving();
    this.stopping ??= (async () => {
      // A deadline being delivered is undone and stays due, as an event being handled is.
      await this.deadlineDelivery?.stop();
      for (const runner of this.runners) runner.stopTaking();
      await this.watch.stop();
      try {
        const stopped = await Promise.allSettled(this.runners.map((runner) => runner.stop()));
        for (const outcome of stopped) if (outcome.status === 'rejected') this.env.onError(outcome.reason, '(dispatcher)');
      } finally {
        await Promise.all(this.groups.map((group) => group.leave()));
        this.forgetStore();
      }
    })();
    return this.stopping;
  }

  /**
   * Figures per subscriber, highest priority first. On PostgreSQL, `stalled` tells of a
   * transaction left open on the server that holds a subscriber back (see {@link HorizonStall}).
   */
  stats(): SubscriberStats[] {
    return this.runners.map((runner) => {
      const stalled = this.watch.stallOf(runner);
      const deadlines = runner.subscriber.processManager && this.deadlineDelivery?.stats(runner.name);
      return { ...runner.snapshot(), ...(stalled ? { stalled } : {}), ...(deadlines ? { deadlines } : {}) };
    });
  }

  /** Dead letters, oldest first, of one subscriber (or one segment of it) or of all. */
  async deadLetters(subscriber?: string): Promise<DeadLetter[]> {
    if (subscriber === undefined) return this.env.deadLetters.list();
    return this.env.deadLetters.list(this.runnersNamed(subscriber).map((runner) => runner.name));
  }

  /**
   * Runs a dead letter's event through its subscriber again (with the retry policy). On success
   * the dead letter is removed and a subscriber halted on it resumes. Resolves to whether it
   * succeeded this time.
   *
   * @throws {@link DeadLetterNotFoundError} when no dead letter has this id.
   */
  async retryDeadLetter(id: number): Promise<boolean> {
    this.assertRunning('retry a dead letter');
    const letter = await this.deadLetterNamed(id);
    return this.runnerHolding(letter, 'retry').deadLettering.retry(letter);
  }

  /**
   * Removes a dead letter for good; a subscriber halted on it moves past the event and resumes.
   *
   * @throws {@link DeadLetterNotFoundError} when no dead letter has this id.
   */
  async discardDeadLetter(id: number): Promise<void> {
    this.assertRunning('discard a dead letter');
    const letter = await this.deadLetterNamed(id);
    await this.runnerHolding(letter, 'discard').deadLettering.discard(letter);
  }

  /**
   * Resumes a halted subscriber at the event it halted on (after a fix was deployed, say). For a
   * subscriber split into segments, every halted segment resumes.
   */
  resume(subscriber: string): void {
    this.assertRunning('resume a subscriber');
    for (const runner of this.runnersNamed(subscriber)) runner.deadLettering.resume();
  }

  /**
   * Rebuilds a projection: replays the whole log into its read model in large batches with
   * progress reports, then carries on live. A projection that declares its `tables` is rebuilt
   * into fresh copies of them while the application goes on reading the old ones, which the
   * copies replace in one transaction at the end (blue/green); one that does not is emptied with
   * its `reset(db)` and refilled in place.
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
    const segment = projections.length === 1 ? projections[0]?.subscriber.segment : undefined;
    if (segment) {
      const whole = segment.subscriber;
      throw new InvalidArgumentError('projection', `'${projection}' is one segment of '${whole}'; rebuild '${whole}', whose segments share one read model.`);
    }
    return rebuildProjection(this.store, projection, projections, options);
  }

  private runnersToWaitFor(names: readonly string[]): SubscriberRunner[] {
    if (!Array.isArray(names) || names.length === 0 || names.some((name) => typeof name !== 'string')) {
      throw new InvalidArgumentError(
        'options.subscribers',
        `expected a non-empty array of subscriber names, got ${describeValue(names)}. Known subscribers: ${this.subscriberNames.join(', ')}.`,
      );
    }
    return [...new Set(names.flatMap((name) => this.runnersNamed(name)))];
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
    const letter = await this.env.deadLetters.get(checkWholeNumber(id, 'id', { meaning: "a dead letter's id" }));
    if (!letter) throw new DeadLetterNotFoundError(id, await this.env.deadLetters.ids(), 'List them with dispatcher.deadLetters().');
    return letter;
  }

  private assertRunning(operation: string): void {
    if (this.stopping) throw new DispatcherStoppedError(operation);
  }
}
