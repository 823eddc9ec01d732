import type { Kysely } from 'kysely';
import { InvalidArgumentError } from '../errors/invalid-argument-error';
import type { EventClass } from '../events/event-class';
import { bindFold } from '../folds/bind-fold';
import type { FoldDatabase } from '../folds/fold-transaction';
import { describeValue } from '../store/describe-value';
import type { RecordedEvent } from '../store/recorded-event';
import { retryPolicyOf, type RetryPolicy } from './retry-policy';
import type { HandlerContext, ProjectionContext } from './subscriber-context';
import { readOnHandlers, readSubscriberMetadata, type SubscriberKind } from './subscriber.decorators';
import { DEFAULT_PROJECTION_BATCH_SIZE, type FailureMode, type ProjectionOptions } from './subscriber-options';
import { DuplicateSubscriberError, UnregisteredSubscriberError } from './subscriber-errors';
import { MAX_SEGMENTS, parseSegmentName, segmentName, type Segment } from './segments/segments';
import { checkStartPosition, type StartPosition } from './start-position';
import { checkWholeNumber } from '../validation/whole-number';
import type { EventMethodMap } from '../metadata/event-method-map';
import { bindProcessManager, type ProcessManagerBinding } from '../process-managers/bind-process-manager';
import { DEFAULT_PROCESS_BATCH_SIZE, type ProcessManagerOptions } from '../process-managers/process-manager-options';

/** One `@On` method, bound to its subscriber instance. */
export type BoundHandler = (event: object, context: HandlerContext | ProjectionContext) => unknown;

/** A subscriber instance with its metadata read and its options checked and completed. */
export interface BoundSubscriber {
  readonly name: string;
  readonly kind: SubscriberKind;
  readonly priority: number;
  readonly concurrency: number;
  readonly batchSize: number;
  readonly retry: RetryPolicy;
  readonly onFailure: FailureMode;
  /** Unfinished attempts (the process stopped during them) after which an event is given up on. */
  readonly maxCrashes: number;
  /** Where the subscriber starts when it has no checkpoint yet. */
  readonly startFrom: StartPosition;
  readonly bufferSize: number;
  /** The handler for an event's class, or undefined when the subscriber ignores it. */
  readonly handlers: ReadonlyMap<Function, BoundHandler>;
  readonly eventClasses: readonly EventClass[];
  /**
   * For a fold projection: folds a transaction's events into rows and writes them, in place of
   * one `@On` call per event, to the table `tableName` names (a copy during a blue/green rebuild).
   */
  readonly applyInTransaction?: (db: FoldDatabase, events: readonly RecordedEvent[], tableName: (table: string) => string) => Promise<void>;
  /**
   * The read-model tables the projection declared (empty when it declared none): a rebuild
   * builds copies of them while the application goes on reading them, and switches over at the end.
   */
  readonly tables: readonly string[];
  /** The projection's `reset(db)`, if it has one. */
  readonly reset?: (db: Kysely<never>) => Promise<void>;
  /** How many segments the subscriber is split into (1: not split). */
  readonly segments: number;
  /** For one segment of a split subscriber: which one. Its `name` is then the segment's. */
  readonly segment?: Segment;
  /** For a process manager: how events find instances, and its deadline methods. */
  readonly processManager?: ProcessManagerBinding;
}

/** Reads a subscriber instance's decorators; throws a typed error naming what is wrong. */
export function bindSubscriber(instance: object): BoundSubscriber {
  const subscriberClass = typeof instance === 'object' && instance !== null ? instance.constructor : undefined;
  const metadata = subscriberClass && readSubscriberMetadata(subscriberClass);
  if (!subscriberClass || !metadata) {
    // describeValue, not String: an object without a prototype has no toString and would throw here.
    throw new UnregisteredSubscriberError(subscriberClass?.name ?? describeValue(instance));
  }
  const { name, kind, options, fold: foldTable } = metadata;
  if (parseSegmentName(name)) {
    throw new InvalidArgumentError(`subscriber '${name}'`, 'names ending in [n/m] are kept for the segments of split subscribers; choose another name.');
  }
  const fold = foldTable && bindFold(instance, name, foldTable);
  const methods = fold ? fold.methods : readOnHandlers(subscriberClass);
  if (methods.size === 0) {
    throw new InvalidArgumentError(`subscriber '${name}'`, `${subscriberClass.name} has no @On(EventClass) methods, so it would never receive anything.`);
  }
  if (kind === 'process-manager') return bindAsProcessManager(instance, name, options, methods);
  const handlers = new Map<Function, BoundHandler>();
  methods.forEach((method, eventClass) => {
    const handler = (instance as Record<string | symbol, unknown>)[method];
    if (typeof handler !== 'function') throw new InvalidArgumentError(`subscriber '${name}'`, `${String(method)} is not a method.`);
    // A fold method takes a row, not a context: whoever applies one event (a dead-letter retry)
    // folds it through the projection's own path.
    const bound = fold
      ? (((_event, context) => {
          const { recorded, db, tableName } = context as ProjectionContext;
          return fold.apply(db, [recorded], tableName);
        }) satisfies BoundHandler)
      : (handler.bind(instance) as BoundHandler);
    handlers.set(eventClass, bound);
  });
  const segments = checkWholeNumber((options as ProjectionOptions).segments ?? 1, `segments of subscriber '${name}'`, { max: MAX_SEGMENTS });
  if (fold && !fold.keyedByStream && segments > 1) {
    // Segments split the log by stream; rows keyed otherwise would be folded by two segments at
    // once, and the later write would lose the other's changes.
    throw new InvalidArgumentError(
      `segments of subscriber '${name}'`,
      'a fold projection whose @Fold methods pick their own keys cannot be split into segments, since two segments would fold into the same row; ' +
        'key its rows by stream id (no key in @Fold), or leave segments at 1.',
    );
  }
  const ownReset = (instance as { reset?: unknown }).reset;
  const reset = typeof ownReset === 'function' ? (ownReset.bind(instance) as BoundSubscriber['reset']) : undefined;
  return Object.freeze({
    name,
    kind,
    ...sharedSettings(options, name, { onFailure: kind === 'projection' ? 'halt' : 'park', startFrom: 'beginning' }),
    concurrency: kind === 'projection' ? 1 : wholeNumber((options as ProjectionOptions).concurrency ?? 1, 'concurrency', name),
    batchSize: kind === 'projection' ? wholeNumber(options.batchSize ?? DEFAULT_PROJECTION_BATCH_SIZE, 'batchSize', name) : 1,
    handlers,
    eventClasses: [...methods.keys()] as EventClass[],
    applyInTransaction: fold?.apply,
    tables: kind === 'projection' ? [...new Set([...(foldTable ? [foldTable.table] : []), ...tableNames((options as { tables?: unknown }).tables, name)])] : [],
    reset,
    segments,
  });
}

/** A process manager: delivered as a projection is, in transactions with its checkpoint, but never rebuilt. */
function bindAsProcessManager(instance: object, name: string, options: ProcessManagerOptions, methods: EventMethodMap): BoundSubscriber {
  const { binding, handlers } = bindProcessManager(instance, name, options, methods);
  return Object.freeze({
    name,
    kind: 'process-manager',
    // A new process manager acting on history would repeat what was done long ago.
    ...sharedSettings(options, name, { onFailure: 'park', startFrom: 'now' }),
    concurrency: 1,
    batchSize: wholeNumber(options.batchSize ?? DEFAULT_PROCESS_BATCH_SIZE, 'batchSize', name),
    handlers,
    eventClasses: [...methods.keys()] as EventClass[],
    tables: [],
    segments: 1,
    processManager: binding,
  });
}

/** The settings every kind of subscriber takes, checked, with the kind's defaults where options leave them out. */
function sharedSettings(
  options: ProjectionOptions | ProcessManagerOptions,
  name: string,
  defaults: { readonly onFailure: FailureMode; readonly startFrom: StartPosition },
): Pick<BoundSubscriber, 'priority' | 'retry' | 'onFailure' | 'maxCrashes' | 'startFrom' | 'bufferSize'> {
  return {
    priority: finiteNumber(options.priority ?? 0, 'priority', name),
    retry: retryPolicyOf(options.retry, name),
    onFailure: failureMode(options.onFailure ?? defaults.onFailure, name),
    maxCrashes: wholeNumber(options.maxCrashes ?? 3, 'maxCrashes', name),
    startFrom: checkStartPosition(options.startFrom ?? defaults.startFrom, `startFrom of subscriber '${name}'`),
    bufferSize: wholeNumber(options.bufferSize ?? 10_000, 'bufferSize', name),
  };
}

/**
 * Binds every subscriber given to a dispatcher.
 *
 * @throws {@link DuplicateSubscriberError} when two share a name (and so would share a checkpoint).
 */
export function bindAll(subscribers: readonly object[]): BoundSubscriber[] {
  const bound = subscribers.map(bindSubscriber);
  const names = new Set<string>();
  for (const { name } of bound) {
    if (names.has(name)) throw new DuplicateSubscriberError(name);
    names.add(name);
  }
  return bound;
}

/**
 * One bound subscriber per segment of `subscriber`, each named after its segment; the subscriber
 * itself when it is not split.
 */
export function splitIntoSegments(subscriber: BoundSubscriber): BoundSubscriber[] {
  if (subscriber.segments === 1) return [subscriber];
  return Array.from({ length: subscriber.segments }, (_, index) => {
    const segment = { subscriber: subscriber.name, index, count: subscriber.segments };
    return Object.freeze({ ...subscriber, name: segmentName(segment), segment });
  });
}

/** The name a subscriber's segments share (their read model's owner); the subscriber's own name when it is not split. */
export function projectionOf(subscriber: Pick<BoundSubscriber, 'name' | 'segment'>): string {
  return subscriber.segment?.subscriber ?? subscriber.name;
}

function tableNames(value: unknown, subscriber: string): readonly string[] {
  if (value === undefined) return Object.freeze([]);
  const option = `tables of projection '${subscriber}'`;
  if (!Array.isArray(value)) throw new InvalidArgumentError(option, `expected an array of table names, got ${describeValue(value)}.`);
  for (const table of value) {
    if (typeof table !== 'string' || table.trim() === '') throw new InvalidArgumentError(option, `expected table names, got ${describeValue(table)}.`);
  }
  if (new Set(value).size !== value.length) throw new InvalidArgumentError(option, 'names a table twice; name each table once.');
  return Object.freeze([...(value as string[])]);
}

function wholeNumber(value: number, option: string, subscriber: string): number {
  return checkWholeNumber(value, `${option} of subscriber '${subscriber}'`);
}

function finiteNumber(value: number, option: string, subscriber: string): number {
  if (!Number.isFinite(value)) throw new InvalidArgumentError(`${option} of subscriber '${subscriber}'`, `expected a number, got ${String(value)}.`);
  return value;
}

function failureMode(value: string, subscriber: string): FailureMode {
  if (value !== 'park' && value !== 'halt')
    throw new InvalidArgumentError(`onFailure of subscriber '${subscriber}'`, `expected 'park' or 'halt', got ${JSON.stringify(value)}.`);
  return value;
}
