/**
 * The input contract, checked with generated inputs (fast-check): whatever is appended, either
 * reading it back (with `readStream` and with `readAll`) gives exactly what was appended, or the
 * append fails with an eventfold error (a `code` starting with `EVENTFOLD_`) and stores nothing.
 * Which of the two happens is predicted by `storable` below, a second, independent statement of
 * the rules in docs/events.md, so the store can neither refuse what it could keep nor keep what
 * it changes. Object.prototype must be untouched after every append.
 *
 * Inputs: stream types and ids; events of an undecorated class (written with JSON.stringify) and
 * of a class-transformer class with a declared Date field; metadata for the append and per
 * event. Their values nest objects and arrays (own keys `__proto__`, `constructor` and
 * `prototype` included, sometimes deeper than MAX_NESTING_DEPTH) holding text with NUL, unpaired
 * surrogates, surrogate pairs and other Unicode, numbers with NaN, -0, the infinities, integers
 * beyond 2^53 and extreme doubles, bigints, booleans, null, undefined, array holes and Dates.
 *
 * Runs on SQLite, and on PostgreSQL when EVENTFOLD_POSTGRES_URL is set. `npm test` makes
 * DEFAULT_RUNS appends per backend, a few seconds; set EVENTFOLD_PROPERTY_RUNS for more (e.g.
 * EVENTFOLD_PROPERTY_RUNS=5000) and EVENTFOLD_PROPERTY_SEED to replay the seed a failure printed.
 */
import { expect } from 'chai';
import { Type } from 'class-transformer';
import fc from 'fast-check';
import { DomainEvent, MAX_NESTING_DEPTH, isEventfoldError, type EventMetadata, type EventStore, type NewEvent, type StreamRef } from '../../lib';
import { forEachBackend } from '../support/backends';
import { collect } from '../support/expect-rejection';

const DEFAULT_RUNS = 500;
const runs = positiveInteger(process.env.EVENTFOLD_PROPERTY_RUNS) ?? DEFAULT_RUNS;
const seed = process.env.EVENTFOLD_PROPERTY_SEED === undefined ? undefined : Number(process.env.EVENTFOLD_PROPERTY_SEED);

function positiveInteger(text: string | undefined): number | undefined {
  const value = Number(text);
  return text !== undefined && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** Written with JSON.stringify: the class has no class-transformer decorators. */
@DomainEvent('Sampled')
class Sampled {
  constructor(readonly data: unknown = null) {}
}

/** Written through class-transformer, which its @Type decorator calls for. */
@DomainEvent('SampledAt')
class SampledAt {
  @Type(() => Date)
  readonly at: Date;

  constructor(
    readonly data: unknown = null,
    at = new Date(0),
  ) {
    this.at = at;
  }
}

// ---- What is generated -------------------------------------------------------------------

/** Characters that are trouble somewhere: NUL, surrogate halves, a pair, JSON's escapes, U+2028. */
const awkward = fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\ud83d\ude00', '\ufffd', '"', '\\', '\u2028');
const text = fc.oneof(
  { weight: 8, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
  {
    weight: 1,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.string({ maxLength: 2 }),
          awkward,
          fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
        ),
        { maxLength: 4 },
      )
      .map((parts) => parts.join('')),
  },
);
const key = fc.oneof(
  { weight: 8, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '0', '') },
  { weight: 1, arbitrary: text },
);
const number = fc.oneof(
  { weight: 4, arbitrary: fc.integer() },
  { weight: 4, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(2 ** 53 + 2, -(2 ** 63), Number.MAX_VALUE, Number.MIN_VALUE, 1e21, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  },
);
const leaf = fc.oneof(
  { weight: 8, arbitrary: text },
  { weight: 8, arbitrary: number },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.constant(undefined), fc.date(), fc.constant(new Date(Number.NaN)), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n })),
  },
);

/** An object built key by key with defineProperty, so a `__proto__` key is an own key. */
function objectOf(entries: Array<[string, unknown]>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [name, value] of entries) Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** A chain of `levels` objects, to cross MAX_NESTING_DEPTH from either side. */
function chain(levels: number): unknown {
  let value: unknown = { end: true };
  for (let level = 1; level < levels; level++) value = { next: value };
  return value;
}

const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: leaf },
    { weight: 2, arbitrary: tie('array') },
    { weight: 2, arbitrary: tie('object') },
  ),
  array: fc
    .tuple(fc.array(tie('value'), { maxLength: 4 }), fc.option(fc.nat(4), { freq: 8 }))
    // Now and then a hole, which only `delete` can make.
    .map(([items, hole]) => {
      if (hole === null || hole >= items.length) return items;
      const holed = [...items];
      delete holed[hole]; // eslint-disable-line @typescript-eslint/no-array-delete -- the hole is the point
      return holed;
    }),
  object: fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map(objectOf),
}));

const data = fc.oneof({ weight: 20, arbitrary: value }, { weight: 1, arbitrary: fc.integer({ min: MAX_NESTING_DEPTH - 3, max: MAX_NESTING_DEPTH + 2 }).map(chain) });
const metadata = fc.option(
  fc
    .tuple(fc.option(text, { freq: 2 }), fc.array(fc.tuple(key, value), { maxLength: 3 }))
    .map(([correlationId, entries]) => objectOf(correlationId === null ? entries : [['correlationId', correlationId], ...entries])),
  { freq: 3 },
);
const event = fc.oneof(
  data.map((payload) => new Sampled(payload)),
  fc
    .tuple(data, fc.oneof({ weight: 4, arbitrary: fc.date() }, { weight: 1, arbitrary: fc.constant(new Date(Number.NaN)) }))
    .map(([payload, at]) => new SampledAt(payload, at)),
);
const appended = fc.array(fc.tuple(event, metadata), { minLength: 1, maxLength: 2 });
const name = fc.oneof({ weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 10 }) }, { weight: 1, arbitrary: text });
const stream = fc.record({ type: name, id: name });

// ---- The rules, stated again -------------------------------------------------------------

function storableText(candidate: string): boolean {
  // In a `u` regular expression a surrogate pair is one code point; only a lone half is in Cs.
  return !candidate.includes('\u0000') && !/\p{Cs}/u.test(candidate);
}

/** `constructor`, `toString`, `hasOwnProperty`...: class-transformer skips keys named like them when it reads plain objects. */
const objectMethods = new Set(Object.getOwnPropertyNames(Object.prototype).filter((name) => typeof Reflect.get(Object.prototype, name) === 'function'));

/**
 * Whether `candidate`, at nesting `depth` (the event or metadata object is 1), can be stored
 * exactly. `inClassTransformer`: the event goes through class-transformer, which drops keys
 * named `__proto__` or like a method of Object.prototype. Dates are never declared below the
 * top level here.
 */
function storable(candidate: unknown, depth: number, inClassTransformer: boolean): boolean {
  switch (typeof candidate) {
    case 'string':
      return storableText(candidate);
    case 'number':
      return Number.isFinite(candidate) && !Object.is(candidate, -0);
    case 'boolean':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (candidate === null) return true;
  if (depth > MAX_NESTING_DEPTH || candidate instanceof Date) return false;
  if (Array.isArray(candidate)) {
    for (let index = 0; index < candidate.length; index++) {
      if (!(index in candidate) || candidate[index] === undefined || !storable(candidate[index], depth + 1, inClassTransformer)) return false;
    }
    return true;
  }
  return Object.entries(candidate).every(
    ([name, item]) =>
      storableText(name) &&
      !(inClassTransformer && (name === '__proto__' || objectMethods.has(name))) &&
      (item === undefined || storable(item, depth + 1, inClassTransformer)),
  );
}

function storableEvent(candidate: Sampled | SampledAt): boolean {
  if (candidate instanceof SampledAt) return !Number.isNaN(candidate.at.getTime()) && storable(candidate.data, 2, true);
  return candidate.data === undefined || storable(candidate.data, 2, false);
}

function storableMetadata(candidate: Record<string, unknown> | null): boolean {
  if (candidate === null) return true;
  const { correlationId, causationId } = candidate;
  return [correlationId, causationId].every((field) => field === undefined || typeof field === 'string') && storable(candidate, 1, false);
}

function storableName(candidate: string): boolean {
  return candidate.length > 0 && candidate.length <= 1000 && storableText(candidate);
}

/** What JSON does to a storable value, and nothing else: fields that are undefined are left out. */
function withoutUndefinedFields(candidate: unknown): unknown {
  if (Array.isArray(candidate)) return candidate.map(withoutUndefinedFields);
  if (typeof candidate !== 'object' || candidate === null || candidate instanceof Date) return candidate;
  return objectOf(Object.entries(candidate).flatMap(([name, item]) => (item === undefined ? [] : [[name, withoutUndefinedFields(item)]])));
}

function expectedEvent(appendedEvent: Sampled | SampledAt): object {
  if (appendedEvent instanceof SampledAt) return new SampledAt(withoutUndefinedFields(appendedEvent.data), appendedEvent.at);
  return new Sampled(withoutUndefinedFields(appendedEvent.data));
}

// ---- The property ------------------------------------------------------------------------

const prototypeShape = () => Reflect.ownKeys(Object.prototype).map(String).sort().join(',');

/** How many appends of a run were stored and refused: a run that only did one proves little. */
interface Outcomes {
  stored: number;
  refused: number;
}

async function appendOrRefuse(
  outcomes: Outcomes,
  store: EventStore,
  target: StreamRef,
  batch: Array<[Sampled | SampledAt, Record<string, unknown> | null]>,
  shared: Record<string, unknown> | null,
): Promise<void> {
  await store.waitForReadable();
  const before = await store.headPosition();
  const prototypeBefore = prototypeShape();
  const events: NewEvent[] = batch.map(([item, own]) => (own === null ? { event: item } : { event: item, metadata: own as EventMetadata }));
  const expectStored =
    storableName(target.type) && storableName(target.id) && storableMetadata(shared) && batch.every(([item, own]) => storableEvent(item) && storableMetadata(own));
  let refusal: unknown;
  try {
    await store.append(target, events, { metadata: (shared ?? undefined) as EventMetadata | undefined });
  } catch (error) {
    refusal = error;
  }
  expect(prototypeShape(), 'Object.prototype changed').to.equal(prototypeBefore);
  expect(Object.prototype).to.not.have.own.property('polluted');
  if (refusal !== undefined) {
    expect(isEventfoldError(refusal), `not an eventfold error: ${String(refusal)}`).to.equal(true); // eslint-disable-line @typescript-eslint/no-base-to-string -- whatever was thrown, as it prints
    expect(expectStored, `refused what the rules keep: ${(refusal as Error).message}`).to.equal(false);
    expect(await store.headPosition()).to.equal(before);
    outcomes.refused++;
    return;
  }
  expect(expectStored, 'stored what the rules refuse').to.equal(true);
  outcomes.stored++;
  await store.waitForReadable();
  const fromLog = await collect(store.readAll({ from: before + 1 }));
  const fromStream = (await collect(store.readStream(target))).slice(-batch.length);
  expect(fromLog).to.have.length(batch.length);
  expect(fromStream).to.deep.equal(fromLog);
  fromLog.forEach((recorded, index) => {
    const [item, own] = batch[index]!;
    expect(recorded.streamType).to.equal(target.type);
    expect(recorded.streamId).to.equal(target.id);
    expect(recorded.event).to.be.instanceOf(item.constructor);
    expect(recorded.event).to.deep.equal(expectedEvent(item));
    expect(recorded.metadata).to.deep.equal(withoutUndefinedFields({ ...shared, ...own }));
  });
}

forEachBackend('The input contract, on generated inputs', (backend) => {
  it(`either reads back exactly what was appended or refuses it with an eventfold error and stores nothing (${runs} appends)`, async function () {
    // About 15 ms an append on the slower backend, with room to spare; more runs, more time.
    this.timeout(Math.max(20_000, runs * 60));
    const store = await backend.open();
    const outcomes: Outcomes = { stored: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(stream, appended, metadata, (target, batch, shared) => appendOrRefuse(outcomes, store, target, batch, shared)),
      { numRuns: runs, seed },
    );
    // The weights above keep both outcomes common; if one became rare, the contract would go unchecked.
    expect(outcomes.stored, 'appends stored').to.be.at.least(runs / 5);
    expect(outcomes.refused, 'appends refused').to.be.at.least(runs / 5);
  });
});
