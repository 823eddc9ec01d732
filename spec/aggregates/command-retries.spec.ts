import { expect } from 'chai';
import {
  AggregateNotFoundError,
  ConcurrencyError,
  InvalidArgumentError,
  NO_STREAM,
  StoreClosedError,
  type EventStore,
  type Repository,
  type UpdateOptions,
} from '../../lib';
import { backoffDelay, checkUpdateOptions } from '../../lib/aggregates/update-options';
import { forEachBackend } from '../support/backends';
import { Counter, CounterIncremented } from '../support/counter';
import { collect, expectRejection } from '../support/expect-rejection';

const stream = { type: 'Counter', id: 'c-1' };

/** No wait between attempts: the specs decide when writers collide, not a timer. */
const noBackoff = { backoff: { initialDelayMs: 0 } } satisfies UpdateOptions;

/** What the stream holds: the count each stored increment was decided on. */
async function seenCounts(store: EventStore): Promise<number[]> {
  return (await collect(store.readStream(stream))).map((recorded) => (recorded.event as CounterIncremented).seen);
}

/** Another writer's increment, stored behind the back of the decision under way. */
async function rivalIncrement(store: EventStore): Promise<void> {
  const version = await store.streamVersion(stream);
  await store.append(stream, [new CounterIncremented(version)], { expectedVersion: version === 0 ? NO_STREAM : version });
}

forEachBackend('Repository.update', (backend) => {
  let store: EventStore;
  let counters: Repository<Counter>;
  beforeEach(async () => {
    store = await backend.open();
    counters = store.repository(Counter);
  });

  async function createCounter(): Promise<void> {
    const counter = new Counter(stream.id);
    counter.increment();
    await counters.save(counter);
  }

  it('loads, decides and saves, resolving to what the decision returned, with the metadata given', async () => {
    await createCounter();

    const result = await counters.update(
      stream.id,
      async (counter) => {
        counter.increment(2);
        return { before: counter.version, count: counter.count };
      },
      { metadata: { correlationId: 'req-1' } },
    );

    expect(result).to.deep.equal({ before: 1, count: 3 });
    expect((await counters.load(stream.id)).count).to.equal(3);
    const stored = await collect(store.readStream(stream));
    expect(stored.map((recorded) => recorded.metadata.correlationId)).to.deep.equal([undefined, 'req-1']);
  });

  it('decides again on the state another writer left after a conflict, and saves that decision', async () => {
    await createCounter();
    const decidedOn: number[] = [];

    const count = await counters.update(
      stream.id,
      async (counter) => {
        decidedOn.push(counter.count);
        if (decidedOn.length === 1) await rivalIncrement(store);
        counter.increment();
        return counter.count;
      },
      noBackoff,
    );

    expect(decidedOn).to.deep.equal([1, 2]);
    expect(count).to.equal(3);
    expect(await seenCounts(store)).to.deep.equal([0, 1, 2]);
  });

  it('gives up after retries + 1 conflicting attempts with a ConcurrencyError that counts them, storing none of its decisions', async () => {
    await createCounter();
    let decisions = 0;

    const error = await expectRejection(
      counters.update(
        stream.id,
        async (counter) => {
          decisions++;
          await rivalIncrement(store);
          counter.increment();
        },
        { retries: 2, ...noBackoff },
      ),
      ConcurrencyError,
    );

    expect(decisions).to.equal(3);
    expect(error.attempts).to.equal(3);
    expect(error.stream).to.deep.equal(stream);
    expect([error.expected, error.actual]).to.deep.equal([3, 4]);
    expect(error.message).to.contain('Counter/c-1 is at version 4').and.contain('each of 3 attempts').and.contain('more retries');
    // The counter's first event and the three rival increments; none of the update's.
    expect(await seenCounts(store)).to.deep.equal([0, 1, 2, 3]);
  });

  it('makes one attempt with retries 0, and a plain save reports one attempt too', async () => {
    await createCounter();
    const stale = await counters.load(stream.id);

    const error = await expectRejection(
      counters.update(
        stream.id,
        async (counter) => {
          await rivalIncrement(store);
          counter.increment();
        },
        { retries: 0 },
      ),
      ConcurrencyError,
    );
    stale.increment();
    const saveError = await expectRejection(counters.save(stale), ConcurrencyError);

    expect(error.attempts).to.equal(1);
    expect(saveError.attempts).to.equal(1);
    expect(saveError.message).to.contain('Another writer got there first');
  });

  it("throws the decision's error at once, without retrying or saving", async () => {
    await createCounter();
    let decisions = 0;
    const refusal = new RangeError('the counter is full');

    const thrown = await expectRejection(
      counters.update(stream.id, (counter) => {
        decisions++;
        counter.increment();
        throw refusal;
      }),
      RangeError,
    );

    expect(thrown).to.equal(refusal);
    expect(decisions).to.equal(1);
    expect(await store.streamVersion(stream)).to.equal(1);
  });

  it('does not take a ConcurrencyError the decision throws for another stream for a conflict of its own', async () => {
    await createCounter();
    let decisions = 0;
    const other = { type: 'Counter', id: 'other' };

    const error = await expectRejection(
      counters.update(stream.id, async (counter) => {
        decisions++;
        counter.increment();
        await store.append(other, [new CounterIncremented(0)], { expectedVersion: 5 });
      }),
      ConcurrencyError,
    );

    expect(decisions).to.equal(1);
    expect(error.stream).to.deep.equal(other);
    expect(error.attempts).to.equal(1);
    expect(await store.streamVersion(stream)).to.equal(1);
  });

  it('throws an error of the save other than a conflict at once, without retrying', async () => {
    await createCounter();
    let decisions = 0;

    await expectRejection(
      counters.update(stream.id, async (counter) => {
        decisions++;
        counter.increment();
        await store.close();
      }),
      StoreClosedError,
    );

    expect(decisions).to.equal(1);
  });

  it('saves nothing when the decision raises no events', async () => {
    await createCounter();

    const result = await counters.update(stream.id, (counter) => counter.count);

    expect(result).to.equal(1);
    expect(await store.streamVersion(stream)).to.equal(1);
  });

  it('throws AggregateNotFoundError for an aggregate with no events, without deciding', async () => {
    let decisions = 0;

    const error = await expectRejection(
      counters.update('missing', () => decisions++),
      AggregateNotFoundError,
    );

    expect(error.message).to.contain("Counter 'missing'");
    expect(decisions).to.equal(0);
  });

  it('refuses a missing decision, a bad id and bad options, naming them, before deciding or writing anything', async () => {
    await createCounter();
    let decisions = 0;
    const decide = (counter: Counter) => {
      decisions++;
      counter.increment();
    };
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['decide', () => counters.update(stream.id, 'increment' as unknown as typeof decide)],
      ['id', () => counters.update('', decide)],
      ['options', () => counters.update(stream.id, decide, null as unknown as UpdateOptions)],
      ['options.retries', () => counters.update(stream.id, decide, { retries: -1 })],
      ['options.retries', () => counters.update(stream.id, decide, { retries: 1.5 })],
      ['options.retries', () => counters.update(stream.id, decide, { retries: 101 })],
      ['options.retries', () => counters.update(stream.id, decide, { retries: '3' as unknown as number })],
      ['options.backoff', () => counters.update(stream.id, decide, { backoff: 10 as unknown as UpdateOptions['backoff'] })],
      ['options.backoff.initialDelayMs', () => counters.update(stream.id, decide, { backoff: { initialDelayMs: -1 } })],
      ['options.backoff.maxDelayMs', () => counters.update(stream.id, decide, { backoff: { maxDelayMs: Number.POSITIVE_INFINITY } })],
      ['options.backoff.maxDelayMs', () => counters.update(stream.id, decide, { backoff: { maxDelayMs: 2 ** 31 } })],
      ['options.backoff.initialDelayMs', () => counters.update(stream.id, decide, { backoff: { initialDelayMs: 2 ** 31 } })],
      ['options.backoff.factor', () => counters.update(stream.id, decide, { backoff: { factor: 0.5 } })],
      ['options.backoff.jitter', () => counters.update(stream.id, decide, { backoff: { jitter: 1.5 } })],
      ['options.metadata.at', () => counters.update(stream.id, decide, { metadata: { at: new Date() } as unknown as UpdateOptions['metadata'] })],
      ['options.retries', () => counters.updateOrCreate(stream.id, decide, { retries: Number.NaN })],
    ];

    for (const [argument, call] of cases) {
      const error = await expectRejection(call, InvalidArgumentError);
      expect(error.argument, error.message).to.equal(argument);
    }
    expect(decisions).to.equal(0);
    expect(await store.streamVersion(stream)).to.equal(1);
  });
});

forEachBackend('Repository.updateOrCreate', (backend) => {
  let store: EventStore;
  let counters: Repository<Counter>;
  beforeEach(async () => {
    store = await backend.open();
    counters = store.repository(Counter);
  });

  it('decides on a new aggregate at version 0 when there is none, and saves it', async () => {
    const versions: number[] = [];

    const count = await counters.updateOrCreate(stream.id, (counter) => {
      versions.push(counter.version);
      counter.increment();
      return counter.count;
    });

    expect(versions).to.deep.equal([0]);
    expect(count).to.equal(1);
    expect(await seenCounts(store)).to.deep.equal([0]);
  });

  it('decides on the stored aggregate when there is one', async () => {
    await counters.updateOrCreate(stream.id, (counter) => counter.increment());

    const count = await counters.updateOrCreate(stream.id, (counter) => {
      counter.increment();
      return counter.count;
    });

    expect(count).to.equal(2);
    expect(await seenCounts(store)).to.deep.equal([0, 1]);
  });

  it('retries as an update when another writer creates the aggregate first', async () => {
    const versions: number[] = [];

    await counters.updateOrCreate(
      stream.id,
      async (counter) => {
        versions.push(counter.version);
        if (versions.length === 1) await rivalIncrement(store);
        counter.increment();
      },
      noBackoff,
    );

    expect(versions).to.deep.equal([0, 1]);
    expect(await seenCounts(store)).to.deep.equal([0, 1]);
  });
});

describe('Conflict backoff', () => {
  const policy = checkUpdateOptions({ backoff: { initialDelayMs: 10, factor: 3, maxDelayMs: 100, jitter: 0.5 } }).backoff;

  it('grows by the factor from the initial delay up to the longest delay', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelay(policy, retry, () => 0))).to.deep.equal([10, 30, 90, 100]);
  });

  it('takes off at most the jitter share of a delay', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelay(policy, retry, () => 1))).to.deep.equal([5, 15, 45, 50]);
  });

  it('defaults to 3 retries and a short backoff', () => {
    const plan = checkUpdateOptions(undefined);
    expect(plan.retries).to.equal(3);
    expect(plan.backoff).to.deep.equal({ initialDelayMs: 5, factor: 2, maxDelayMs: 200, jitter: 0.5 });
  });

  it("refuses a delay longer than Node's timers take, naming the limit", () => {
    expect(() => checkUpdateOptions({ backoff: { maxDelayMs: 2 ** 31 } })).to.throw(
      InvalidArgumentError,
      /^Invalid options\.backoff\.maxDelayMs: expected milliseconds from 0 to 2147483647, got 2147483648\.$/,
    );
    expect(checkUpdateOptions({ backoff: { maxDelayMs: 2 ** 31 - 1 } }).backoff.maxDelayMs).to.equal(2 ** 31 - 1);
  });

  it('takes the default of an option given as undefined', () => {
    const plan = checkUpdateOptions({ retries: undefined, backoff: { initialDelayMs: 0, factor: undefined } });
    expect(plan.retries).to.equal(3);
    expect(plan.backoff).to.deep.equal({ initialDelayMs: 0, factor: 2, maxDelayMs: 200, jitter: 0.5 });
  });
});
