import { expect } from 'chai';
import { Transform, Type } from 'class-transformer';
import { DomainEvent, InvalidArgumentError, MAX_NESTING_DEPTH, type EventMetadata, type EventStore } from '../../lib';
import { forEachBackend } from '../support/backends';
import { collect, expectRejection } from '../support/expect-rejection';

/** An event whose `fill` field holds any data, with no class-transformer decorators. */
@DomainEvent('Filled')
class Filled {
  constructor(readonly fill: unknown = null) {}
}

/** The same, through class-transformer: it has a Date field that says how to read it back. */
@DomainEvent('FilledAt')
class FilledAt {
  @Type(() => Date)
  readonly at: Date;

  constructor(
    readonly fill: unknown = null,
    at = new Date(0),
  ) {
    this.at = at;
  }
}

/** A class that declares an encoding for what JSON cannot carry: NaN becomes the string 'NaN'. */
@DomainEvent('Measured')
class Measured {
  @Transform(({ value }) => (Number.isNaN(value) ? 'NaN' : value), { toPlainOnly: true })
  @Transform(({ value }) => (value === 'NaN' ? Number.NaN : value), { toClassOnly: true })
  readonly reading: number;

  constructor(reading = 0) {
    this.reading = reading;
  }
}

const stream = { type: 'Fill', id: 'f-1' };

async function expectRefused(store: EventStore, events: object[], argument: string, problem: RegExp, metadata?: EventMetadata): Promise<void> {
  const error = await expectRejection(() => store.append(stream, events, { metadata }), InvalidArgumentError);
  expect(error.argument).to.equal(argument);
  expect(error.message).to.match(problem);
  expect(error.code).to.equal('EVENTFOLD_INVALID_ARGUMENT');
  expect(await store.headPosition()).to.equal(0);
}

async function roundTrip(store: EventStore, event: object, metadata?: EventMetadata): Promise<{ event: object; metadata: EventMetadata }> {
  await store.append(stream, [event], { metadata });
  await store.waitForReadable();
  const all = await collect(store.readAll());
  const streamed = await collect(store.readStream(stream));
  expect(streamed[streamed.length - 1]).to.deep.equal(all[all.length - 1]);
  return all[all.length - 1]!;
}

function nested(levels: number): unknown {
  let value: unknown = {};
  for (let level = 1; level < levels; level++) value = { deeper: value };
  return value;
}

forEachBackend('Values that JSON cannot carry exactly', (backend) => {
  it('refuses NaN, infinities and -0 in a payload, naming the path inside the event', async () => {
    const store = await backend.open();
    await expectRefused(store, [new Filled({ price: Number.NaN })], 'events[0].fill.price', /Filled\.fill\.price is NaN, .*read back as null/);
    await expectRefused(store, [new Filled({ price: Number.POSITIVE_INFINITY })], 'events[0].fill.price', /is Infinity/);
    await expectRefused(store, [new Filled({ levels: [1, Number.NEGATIVE_INFINITY] })], 'events[0].fill.levels[1]', /is -Infinity/);
    await expectRefused(store, [new Filled({ change: -0 })], 'events[0].fill.change', /is -0, which JSON writes as 0\. Store 0/);
    await expectRefused(store, [new Filled(1), new FilledAt({ price: Number.NaN })], 'events[1].fill.price', /FilledAt\.fill\.price is NaN/);
  });

  it('refuses array holes and undefined array elements, which JSON writes as null', async () => {
    const store = await backend.open();
    // eslint-disable-next-line no-sparse-arrays -- the hole is what is being refused
    await expectRefused(store, [new Filled({ levels: [1, , 3] })], 'events[0].fill.levels[1]', /a hole in an array/);
    await expectRefused(store, [new Filled([1, undefined])], 'events[0].fill[1]', /undefined in an array/);
  });

  it('refuses an invalid Date, and a Date whose field does not declare it, but stores a declared one exactly', async () => {
    const store = await backend.open();
    await expectRefused(store, [new FilledAt(null, new Date(Number.NaN))], 'events[0].at', /invalid Date, which JSON writes as null/);
    await expectRefused(store, [new Filled({ at: new Date(0) })], 'events[0].fill.at', /Add @Type\(\(\) => Date\)/);
    await expectRefused(store, [new FilledAt({ at: new Date(0) })], 'events[0].fill.at', /read back as that string/);
    const at = new Date('+012345-06-07T08:09:10.011Z');
    const { event } = await roundTrip(store, new FilledAt('x', at));
    expect(event).to.be.instanceOf(FilledAt).and.deep.equal(new FilledAt('x', at));
  });

  it('refuses NUL and unpaired surrogates in payload text and keys, alike on every backend', async () => {
    const store = await backend.open();
    await expectRefused(store, [new Filled({ note: 'a\u0000b' })], 'events[0].fill.note', /U\+0000 \(NUL\) at index 1, which PostgreSQL cannot store/);
    await expectRefused(store, [new Filled(['ok', 'a\ud800'])], 'events[0].fill[1]', /unpaired UTF-16 surrogate \(\\ud800\) at index 1/);
    await expectRefused(store, [new Filled({ 'k\u0000': 1 })], 'events[0].fill["k\\u0000"]', /is a key that contains U\+0000/);
    await expectRefused(store, [new Filled({ 'k\udfff': 1 })], 'events[0].fill["k\\udfff"]', /is a key that contains an unpaired UTF-16 surrogate/);
  });

  it('stores what a class declares an encoding for, as it declares it', async () => {
    const store = await backend.open();
    const { event } = await roundTrip(store, new Measured(Number.NaN));
    expect(event).to.be.instanceOf(Measured);
    expect((event as Measured).reading).to.be.NaN;
  });

  it('applies the same rules to metadata, for the append and for each event', async () => {
    const store = await backend.open();
    const event = new Filled(1);
    await expectRefused(store, [event], 'options.metadata.score', /it is NaN/, { score: Number.NaN });
    await expectRefused(store, [event], 'options.metadata.delta', /it is -0/, { delta: -0 });
    // eslint-disable-next-line no-sparse-arrays -- the hole is what is being refused
    await expectRefused(store, [event], 'options.metadata.tags[0]', /a hole/, { tags: [, 'x'] as never });
    await expectRefused(store, [event], 'options.metadata.correlationId', /U\+0000/, { correlationId: 'req\u00001' });
    await expectRefused(store, [event], 'options.metadata.who["\\ud800"]', /is a key that contains an unpaired/, { who: { '\ud800': 1 } });
    const perEvent = await expectRejection(() => store.append(stream, [{ event, metadata: { note: 'x\udc00' } }]), InvalidArgumentError);
    expect(perEvent.argument).to.equal('events[0].metadata.note');
  });

  it(`refuses payloads and metadata nested deeper than ${MAX_NESTING_DEPTH} levels, and stores them at the limit`, async () => {
    const store = await backend.open();
    // The event is level 1 and its `fill` level 2; the metadata object is level 1.
    const tooDeep = await expectRejection(() => store.append(stream, [new Filled(nested(MAX_NESTING_DEPTH))]), InvalidArgumentError);
    expect(tooDeep.message).to.contain(`deeper than ${MAX_NESTING_DEPTH} levels`);
    expect(tooDeep.argument).to.match(/^events\[0\]\.fill(\.deeper)+$/);
    const deepMetadata = await expectRejection(
      () => store.append(stream, [new Filled(1)], { metadata: { deep: nested(MAX_NESTING_DEPTH) as never } }),
      InvalidArgumentError,
    );
    expect(deepMetadata.argument).to.match(/^options\.metadata\.deep(\.deeper)+$/);
    expect(await store.headPosition()).to.equal(0);

    const { event, metadata } = await roundTrip(store, new Filled(nested(MAX_NESTING_DEPTH - 1)), { deep: nested(MAX_NESTING_DEPTH - 1) as never });
    expect(event).to.deep.equal(new Filled(nested(MAX_NESTING_DEPTH - 1)));
    expect(metadata).to.deep.equal({ deep: nested(MAX_NESTING_DEPTH - 1) });
  });

  it('names a cycle where it closes, in payloads and metadata', async () => {
    const store = await backend.open();
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    await expectRefused(store, [new Filled({ loop })], 'events[0].fill.loop.self', /a cycle/);
    await expectRefused(store, [new FilledAt({ loop })], 'events[0].fill.loop.self', /a cycle/);
    await expectRefused(store, [new Filled(1)], 'options.metadata.loop.self', /a cycle/, { loop: loop as never });
  });

  it('keeps own keys named __proto__, constructor and prototype, and touches no prototype', async () => {
    const store = await backend.open();
    const data = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": 3}');
    const metadata = JSON.parse('{"correlationId": "c-1", "__proto__": {"polluted": "yes"}, "constructor": 1}');
    const read = await roundTrip(store, new Filled({ data, list: [data] }), metadata);
    expect(read.event)
      .to.be.instanceOf(Filled)
      .and.deep.equal(new Filled({ data, list: [data] }));
    const readData = ((read.event as Filled).fill as { data: object }).data;
    expect(Object.keys(readData)).to.have.members(['__proto__', 'constructor', 'prototype']);
    expect(Object.getPrototypeOf(readData)).to.equal(Object.prototype);
    expect(read.metadata).to.deep.equal(metadata);
    expect(Object.getPrototypeOf(read.metadata)).to.equal(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(Object.prototype).to.not.have.own.property('polluted');
  });

  it('refuses keys class-transformer would drop, in an event that goes through it, rather than lose them', async () => {
    const store = await backend.open();
    await expectRefused(store, [new FilledAt(JSON.parse('{"__proto__": 1}'))], 'events[0].fill.__proto__', /class-transformer skips in both directions/);
    await expectRefused(store, [new FilledAt({ constructor: 'c' })], 'events[0].fill.constructor', /since a plain object has a member of that name/);
    await expectRefused(store, [new FilledAt([{ toString: 'x' }])], 'events[0].fill[0].toString', /Rename the key/);
    // eslint-disable-next-line no-sparse-arrays -- class-transformer would close the hole up
    await expectRefused(store, [new FilledAt([1, , 3])], 'events[0].fill[1]', /a hole in an array/);
    const { event } = await roundTrip(store, new FilledAt({ prototype: 'p', valueOf2: 1 }));
    expect(event).to.deep.equal(new FilledAt({ prototype: 'p', valueOf2: 1 }));
  });

  it('refuses an event field named like a method of its class, which reading would skip', async () => {
    const store = await backend.open();
    const event = Object.assign(new Filled(1), { toJSON2: 1 });
    Object.defineProperty(event, 'describe', { value: 'data', enumerable: true });
    Object.defineProperty(Filled.prototype, 'describe', { value: () => 'a method', configurable: true });
    try {
      await expectRefused(store, [event], 'events[0].describe', /named like a method or read-only getter of Filled/);
    } finally {
      delete (Filled.prototype as unknown as Record<string, unknown>).describe;
    }
  });

  it('stores numbers exactly: integers beyond 2^53, the smallest and largest doubles, exponents', async () => {
    const store = await backend.open();
    const numbers = [2 ** 53 + 2, -(2 ** 60), Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE, 1e21, 1.5e-7, 0.1 + 0.2, 0];
    const { event } = await roundTrip(store, new Filled(numbers));
    expect((event as Filled).fill).to.deep.equal(numbers);
  });

  it('stores text exactly: surrogate pairs, other control characters, every plane', async () => {
    const store = await backend.open();
    const texts = ['😀 \ud83d\ude00', '\u0001\u001f\u007f', '\uffff\ufffe', '\u{10ffff}', 'é' + 'e\u0301', '"\\/\b\f\n\r\t'];
    const { event, metadata } = await roundTrip(store, new Filled({ texts, [texts[0]!]: texts[1] }), { texts });
    expect((event as Filled).fill).to.deep.equal({ texts, [texts[0]!]: texts[1] });
    expect(metadata.texts).to.deep.equal(texts);
  });
});
