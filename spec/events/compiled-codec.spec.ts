/**
 * The compiled codec against class-transformer, on generated inputs (fast-check).
 *
 * For every class whose shape is compiled (Dates, nested classes, arrays of both, a class that
 * nests itself, an inherited field, a bigint through a pair of @Transforms, JSON data), the
 * compiled path must give what class-transformer's path gives:
 *
 * - encoding: the same payload text, or the same error (its class, argument and message), for
 *   any instance, well-formed or not; and for well-formed instances the compiled path itself
 *   answers, rather than handing the event over;
 * - decoding: an instance deep-equal to `plainToInstance`'s, prototypes included, for any parsed
 *   payload the compiled path answers for; and for the payloads of well-formed instances it does
 *   answer.
 *
 * `npm test` makes DEFAULT_RUNS runs per property; set EVENTFOLD_PROPERTY_RUNS for more and
 * EVENTFOLD_PROPERTY_SEED to replay the seed a failure printed.
 */
import { expect } from 'chai';
import { Exclude, Expose, Transform, Type, plainToInstance } from 'class-transformer';
import fc from 'fast-check';
import { DomainEvent, MAX_NESTING_DEPTH } from '../../lib';
import { readClassShape, type ClassShape } from '../../lib/events/class-shape';
import { decodeByShape } from '../../lib/events/compiled-decoder';
import { encodeByShape } from '../../lib/events/compiled-encoder';
import { HAND_OVER } from '../../lib/events/hand-over';
import { classTransformerCodec, payloadCodecFor } from '../../lib/events/payload-codec';

const DEFAULT_RUNS = 300;
const runs = positiveInteger(process.env.EVENTFOLD_PROPERTY_RUNS) ?? DEFAULT_RUNS;
const seed = process.env.EVENTFOLD_PROPERTY_SEED === undefined ? undefined : Number(process.env.EVENTFOLD_PROPERTY_SEED);

function positiveInteger(text: string | undefined): number | undefined {
  const value = Number(text);
  return text !== undefined && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

// ---- The classes -------------------------------------------------------------------------

/** A value object without decorators, with constructor defaults that decoding keeps. */
class Point {
  constructor(
    readonly x: number = 0,
    readonly y: number = 0,
  ) {}

  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

/** A nested class with a Date of its own. */
class Stamp {
  @Type(() => Date)
  at?: Date | null;

  label?: unknown;
}

/** A class that nests itself. */
class Tree {
  @Type(() => Tree)
  children?: Tree[] | null;

  value?: unknown;
}

/** Every compiled shape in one event. Its fields are set by the generator, in any order. */
@DomainEvent('Shaped')
class Shaped {
  @Type(() => Date)
  at?: Date | null;

  @Type(() => Date)
  dates?: Array<Date | null> | null;

  @Type(() => Point)
  point?: Point | null;

  @Type(() => Point)
  points?: Array<Point | null> | null;

  @Type(() => Stamp)
  stamps?: Stamp[] | null;

  @Type(() => Tree)
  tree?: Tree | null;

  /** JSON has no bigint: stored as a decimal string, read back as a bigint. */
  @Transform(({ value }) => (typeof value === 'bigint' ? value.toString() : value), { toPlainOnly: true })
  @Transform(({ value }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? BigInt(value) : value), { toClassOnly: true })
  sequence?: bigint;

  data?: unknown;

  describe(): string {
    return 'a method, which stored data must not replace';
  }
}

/** Inherits every field of Shaped and declares one more. */
@DomainEvent('ShapedChild')
class ShapedChild extends Shaped {
  @Type(() => Date)
  extra?: Date | null;
}

const CLASSES = [Shaped, ShapedChild] as const;
type ShapedClass = (typeof CLASSES)[number];

/**
 * One shape per class for the whole file, as one store keeps one: the layouts it learns from
 * early events and payloads then encode and decode the later ones, so both the key-by-key and the compiled layout
 * paths are checked.
 */
const shapes = new Map<ShapedClass, ClassShape>();

function shapeOf(eventClass: ShapedClass): ClassShape {
  const known = shapes.get(eventClass);
  if (known) return known;
  const shape = readClassShape(eventClass);
  if (!shape) throw new Error(`${eventClass.name} was expected to compile`);
  shapes.set(eventClass, shape);
  return shape;
}

// ---- What is generated -------------------------------------------------------------------

/** Dates across the range JSON and toISOString cover, now and then an invalid one. */
const validDate = fc.date({ noInvalidDate: true, min: new Date(-8.64e15), max: new Date(8.64e15) });
const text = fc.oneof({ weight: 6, arbitrary: fc.string({ maxLength: 8 }) }, { weight: 1, arbitrary: fc.constantFrom('\u0000', 'x\ud800', '\ud83d\ude00', '') });
const key = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 5 }) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'prototype', 'x', 'at', 'k\u0000') },
);
const number = fc.oneof(
  { weight: 6, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53 + 2) },
);

/** JSON data that is clean: what the exact-JSON checks pass without a second look. */
const { cleanData } = fc.letrec((tie) => ({
  cleanData: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    {
      weight: 6,
      arbitrary: fc.oneof(
        fc.string({ maxLength: 8 }),
        fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => n + 0),
        fc.boolean(),
        fc.constant(null),
      ),
    },
    { weight: 1, arbitrary: fc.array(tie('cleanData'), { maxLength: 3 }) },
    {
      weight: 1,
      arbitrary: fc.dictionary(
        fc.string({ maxLength: 5 }).filter((name) => !(name in Object.prototype)),
        tie('cleanData'),
        { maxKeys: 3, noNullPrototype: true },
      ),
    },
  ),
}));

/** Anything at all: awkward values, keys, holes, class instances, Maps, functions, cycles of depth. */
const { anyData } = fc.letrec((tie) => ({
  anyData: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: fc.oneof(text, number, fc.boolean(), fc.constant(null), fc.constant(undefined)) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        validDate,
        fc.constant(new Date(Number.NaN)),
        fc.bigInt(),
        fc.constant(() => 1),
        fc.constant(new Map([['a', 1]])),
      ),
    },
    { weight: 1, arbitrary: fc.tuple(number, number).map(([x, y]) => new Point(x, y)) },
    { weight: 2, arbitrary: fc.array(tie('anyData'), { maxLength: 3 }).map(withHole) },
    { weight: 2, arbitrary: fc.array(fc.tuple(key, tie('anyData')), { maxLength: 3 }).map(objectOf) },
  ),
}));

function withHole(items: unknown[]): unknown[] {
  if (items.length < 2 || typeof items[0] !== 'string') return items;
  const holed = [...items];
  delete holed[1]; // eslint-disable-line @typescript-eslint/no-array-delete -- the hole is the point
  return holed;
}

/** An object built key by key with defineProperty, so a `__proto__` key is an own key. */
function objectOf(entries: Array<[string, unknown]>, into: object = {}): object {
  for (const [name, value] of entries) Object.defineProperty(into, name, { value, enumerable: true, writable: true, configurable: true });
  return into;
}

function chain(levels: number): unknown {
  let value: unknown = { end: true };
  for (let level = 1; level < levels; level++) value = { next: value };
  return value;
}

interface Values {
  readonly date: fc.Arbitrary<unknown>;
  readonly point: fc.Arbitrary<unknown>;
  readonly data: fc.Arbitrary<unknown>;
  readonly sequence: fc.Arbitrary<unknown>;
}

const clean: Values = {
  date: fc.oneof({ weight: 5, arbitrary: validDate }, { weight: 1, arbitrary: fc.constant(null) }),
  point: fc.oneof({ weight: 5, arbitrary: fc.tuple(fc.integer(), fc.integer()).map(([x, y]) => new Point(x, y)) }, { weight: 1, arbitrary: fc.constant(null) }),
  data: cleanData,
  sequence: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
};

/** Mostly clean, so that whole events often are; now and then anything at all. */
const awkward: Values = {
  date: fc.oneof(
    { weight: 12, arbitrary: clean.date },
    { weight: 1, arbitrary: fc.oneof(anyData, fc.constant(new Date(Number.NaN)), fc.constant('2026-01-01T00:00:00Z')) },
  ),
  point: fc.oneof({ weight: 12, arbitrary: clean.point }, { weight: 1, arbitrary: fc.oneof(anyData, fc.constant({ x: 1, y: 2 })) }),
  data: fc.oneof(
    { weight: 12, arbitrary: cleanData },
    { weight: 2, arbitrary: anyData },
    { weight: 1, arbitrary: fc.integer({ min: MAX_NESTING_DEPTH - 3, max: MAX_NESTING_DEPTH + 1 }).map(chain) },
  ),
  sequence: fc.oneof({ weight: 12, arbitrary: clean.sequence }, { weight: 1, arbitrary: anyData }),
};

function stamps(values: Values): fc.Arbitrary<Stamp> {
  return fc.record({ at: values.date, label: values.data }, { requiredKeys: [] }).map((fields) => objectOf(Object.entries(fields), new Stamp()) as Stamp);
}

function trees(values: Values): fc.Arbitrary<Tree> {
  const { tree } = fc.letrec((tie) => ({
    tree: fc
      .record(
        {
          children: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.array(tie('tree'), { maxLength: 2 })),
          value: values.data,
        },
        { requiredKeys: [] },
      )
      .map((fields) => objectOf(Object.entries(fields), new Tree()) as Tree),
  }));
  return tree;
}

/** Field values of a Shaped (or ShapedChild) event, in a generated order. */
function fieldsOf(values: Values, withExtra: boolean): fc.Arbitrary<Array<[string, unknown]>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {
    at: values.date,
    dates: fc.oneof(fc.constant(null), fc.array(values.date, { maxLength: 3 })),
    point: values.point,
    points: fc.oneof(fc.constant(null), fc.array(values.point, { maxLength: 3 })),
    stamps: fc.oneof(fc.constant(null), fc.array(stamps(values), { maxLength: 2 })),
    tree: fc.oneof(fc.constant(null), trees(values)),
    sequence: values.sequence,
    data: values.data,
    ...(withExtra ? { extra: values.date } : {}),
  };
  return fc.record(fields, { requiredKeys: [] }).chain((record) => fc.shuffledSubarray(Object.entries(record), { minLength: Object.keys(record).length }));
}

/** An event and its class (an own `constructor` key may hide the class from `event.constructor`). */
interface Generated {
  readonly eventClass: ShapedClass;
  readonly event: Shaped;
}

function events(values: Values, extraKeys: boolean): fc.Arbitrary<Generated> {
  return fc
    .tuple(
      fc.constantFrom(...CLASSES),
      fc.boolean(),
      extraKeys ? fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.tuple(key, values.data), { maxLength: 2 }) }) : fc.constant([]),
    )
    .chain(([eventClass, withExtra, extra]) =>
      fieldsOf(values, eventClass === ShapedChild && withExtra).map((fields) => ({
        eventClass,
        event: objectOf([...fields, ...extra], new eventClass()) as Shaped,
      })),
    );
}

const cleanEvents = events(clean, false);
const awkwardEvents = events(awkward, true);

/** A parsed payload: the text of a clean event, perhaps with keys and values changed by hand. */
const payloads = fc
  .tuple(
    cleanEvents,
    fc.array(fc.tuple(fc.oneof(key, fc.constantFrom('at', 'dates', 'point', 'points', 'stamps', 'tree', 'sequence', 'describe')), anyData), { maxLength: 3 }),
  )
  .map(([{ eventClass, event }, changes]) => {
    const payload = JSON.parse(classTransformerCodec(eventClass).encode(event)) as Record<string, unknown>;
    // Through JSON, so that the changed values are what a stored payload can hold.
    const changed = JSON.parse(JSON.stringify(objectOf(changes), jsonSafe)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(changed)) objectOf([[name, value]], payload);
    return { eventClass, text: JSON.stringify(payload) };
  });

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'function' || typeof value === 'bigint' || value instanceof Map ? null : value;
}

// ---- What is compared --------------------------------------------------------------------

/** The outcome of an encoding: the text, or the error's class, argument and message. */
function outcome(encode: () => string): string {
  try {
    return `text ${encode()}`;
  } catch (error) {
    const { name, message, argument } = error as Error & { argument?: string };
    return `error ${name} ${String(argument)} ${message}`;
  }
}

/** Deep equality that also compares prototypes, Dates by time and NaN with NaN. */
function expectSame(actual: unknown, expected: unknown, path = 'event'): void {
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) {
    expect(Object.is(actual, expected) || (typeof expected === 'bigint' && actual === expected), `${path}: ${String(actual)} vs ${String(expected)}`).to.equal(true);
    return;
  }
  expect(Object.getPrototypeOf(actual), `${path}: prototype`).to.equal(Object.getPrototypeOf(expected));
  if (expected instanceof Date) {
    expect(Object.is((actual as Date).getTime(), expected.getTime()), `${path}: time`).to.equal(true);
    return;
  }
  const keys = Reflect.ownKeys(expected).map(String).sort();
  expect(Reflect.ownKeys(actual).map(String).sort(), `${path}: keys`).to.deep.equal(keys);
  for (const name of keys) expectSame((actual as Record<string, unknown>)[name], (expected as Record<string, unknown>)[name], `${path}.${name}`);
}

// ---- The properties ----------------------------------------------------------------------

describe('Compiled event codecs', () => {
  it('read the shape of @Type Dates, nested classes, a class that nests itself, inherited fields and @Transforms', () => {
    const shape = shapeOf(ShapedChild);
    expect([...shape.fields.keys()].sort()).to.deep.equal(['at', 'dates', 'extra', 'point', 'points', 'sequence', 'stamps', 'tree']);
    expect(shape.fields.get('extra')?.type).to.deep.equal({ kind: 'date' });
    const tree = shape.fields.get('tree')?.type;
    expect(tree?.kind === 'class' && tree.shape.fields.get('children')?.type).to.deep.include({ kind: 'class' });
    expect(shape.fields.get('sequence')?.toPlain).to.have.length(1);
  });

  it('leave to class-transformer the classes whose decorators they do not reproduce', () => {
    class Exposed {
      @Expose({ name: 'when' })
      at = '';
    }
    class Excluded {
      @Exclude()
      secret = '';
    }
    class Chosen {
      @Type((options) => ((options?.object as { kind?: string }).kind === 'point' ? Point : Stamp))
      value?: unknown;
    }
    class Grouped {
      @Transform(({ value }) => value, { since: 2 })
      value?: unknown;
    }
    class Mapped {
      @Type(() => Number)
      counts?: Map<string, number>;
    }
    class HoldsExposed {
      @Type(() => Exposed)
      exposed?: Exposed;
    }
    for (const uncompiled of [Exposed, Excluded, Chosen, Grouped, Mapped, HoldsExposed]) {
      expect(readClassShape(uncompiled), uncompiled.name).to.equal(undefined);
    }
  });

  it(`encode well-formed events themselves, to the text class-transformer's path writes (${runs} events)`, () => {
    fc.assert(
      fc.property(cleanEvents, ({ eventClass, event }) => {
        const plain = encodeByShape(shapeOf(eventClass), event);
        expect(plain, 'handed over').to.not.equal(HAND_OVER);
        expect(JSON.stringify(plain)).to.equal(classTransformerCodec(eventClass).encode(event));
      }),
      { numRuns: runs, seed },
    );
  });

  it(`encode any event to the same text, or fail with the same error, as class-transformer's path (${runs} events)`, () => {
    const answered = { compiled: 0, handedOver: 0 };
    fc.assert(
      fc.property(awkwardEvents, ({ eventClass, event }) => {
        const faithful = outcome(() => classTransformerCodec(eventClass).encode(event, 'events[0]'));
        const plain = encodeByShape(shapeOf(eventClass), event);
        if (plain === HAND_OVER) answered.handedOver++;
        else {
          answered.compiled++;
          expect(`text ${JSON.stringify(plain)}`).to.equal(faithful);
        }
        expect(outcome(() => payloadCodecFor(eventClass).encode(event, 'events[0]'))).to.equal(faithful);
      }),
      { numRuns: runs, seed },
    );
    // Both paths must be exercised, or the property says little.
    expect(answered.compiled, 'events the compiled path answered').to.be.at.least(runs / 10);
    expect(answered.handedOver, 'events handed over').to.be.at.least(runs / 10);
  });

  it(`decode the payloads of well-formed events themselves, to instances deep-equal to plainToInstance's (${runs} events)`, () => {
    fc.assert(
      fc.property(cleanEvents, ({ eventClass, event }) => {
        const text = classTransformerCodec(eventClass).encode(event);
        const decoded = decodeByShape(shapeOf(eventClass), JSON.parse(text) as Record<string, unknown>);
        expect(decoded, 'handed over').to.not.equal(HAND_OVER);
        expectSame(decoded, plainToInstance(eventClass, JSON.parse(text) as object));
      }),
      { numRuns: runs, seed },
    );
  });

  it(`decode any parsed payload to an instance deep-equal to plainToInstance's, or hand it over (${runs} payloads)`, () => {
    const answered = { compiled: 0, handedOver: 0 };
    fc.assert(
      fc.property(payloads, ({ eventClass, text }) => {
        const decoded = decodeByShape(shapeOf(eventClass), JSON.parse(text) as Record<string, unknown>);
        if (decoded === HAND_OVER) {
          answered.handedOver++;
          return;
        }
        answered.compiled++;
        expectSame(decoded, plainToInstance(eventClass, JSON.parse(text) as object));
        expectSame(payloadCodecFor(eventClass).decode(JSON.parse(text) as Record<string, unknown>), decoded);
      }),
      { numRuns: runs, seed },
    );
    expect(answered.compiled, 'payloads the compiled path answered').to.be.at.least(runs / 5);
    expect(answered.handedOver, 'payloads handed over').to.be.at.least(runs / 20);
  });

  it('never let a stored field replace a method, in the event or in a nested class', () => {
    const codec = payloadCodecFor(Shaped);
    // The second time through, the payload's layout is compiled.
    for (let time = 0; time < 2; time++) {
      const decoded = codec.decode({ describe: 'data', point: { x: 3, y: 4, norm: 'data' } }) as Shaped;
      expect(decoded.describe()).to.equal('a method, which stored data must not replace');
      expect(decoded.point).to.be.instanceOf(Point);
      expect(decoded.point?.norm()).to.equal(5);
    }
  });

  it('learn the layouts of payloads, and check a member added to the class since', () => {
    const shape = readClassShape(Shaped)!;
    const payload = () => ({ at: '2026-01-01T00:00:00.000Z', data: 1 });
    decodeByShape(shape, payload());
    expect(shape.layouts).to.have.length(1);
    expect(decodeByShape(shape, payload())).to.be.instanceOf(Shaped).and.deep.include({ data: 1 });
    Object.defineProperty(Shaped.prototype, 'data', { value: () => 'a method', configurable: true });
    try {
      expect(decodeByShape(shape, payload())).to.equal(HAND_OVER);
      expect((payloadCodecFor(Shaped).decode(payload()) as Shaped).data).to.be.a('function');
    } finally {
      delete (Shaped.prototype as unknown as Record<string, unknown>).data;
    }
  });
});
