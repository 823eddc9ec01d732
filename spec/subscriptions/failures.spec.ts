import { expect } from 'chai';
import { DomainEvent, EventHandler, On, Projection, type HandlerContext, type ProjectionContext } from '../../lib';
import { forEachBackend, postgresUrl } from '../support/backends';
import { deferred } from '../support/deferred';
import { holdTransaction, type OpenTransaction } from '../support/open-transaction';
import { until } from '../support/until';

@DomainEvent('JobRequested')
class JobRequested {
  constructor(readonly job: string) {}
}

const fast = { initialDelayMs: 1, maxDelayMs: 5, jitter: 0 };

/** Fails the jobs it is told to, a given number of times each (forever when Infinity). */
function flakyHandler(name: string, failures: Record<string, number>, options: object = {}) {
  @EventHandler(name, { retry: { ...fast, maxAttempts: 3 }, ...options })
  class Flaky {
    readonly attempts: Record<string, number[]> = {};
    readonly done: string[] = [];

    @On(JobRequested)
    run(event: JobRequested, { attempt }: HandlerContext): void {
      (this.attempts[event.job] ??= []).push(attempt);
      if ((failures[event.job] ?? 0) >= attempt) throw new Error(`job ${event.job} failed on attempt ${attempt}`);
      this.done.push(event.job);
    }
  }
  return new Flaky();
}

async function publishJobs(store: import('../../lib').EventStore, ...jobs: string[]) {
  for (const job of jobs) await store.publish(new JobRequested(job), { stream: { type: 'Job', id: job } });
}

forEachBackend('Dispatcher failures', (backend) => {
  it('retries a throwing handler until it succeeds, counting retries and failures', async () => {
    const store = await backend.open();
    const flaky = flakyHandler('flaky', { a: 2 });
    const dispatcher = await backend.dispatch(store, [flaky]);
    await publishJobs(store, 'a', 'b');
    await dispatcher.idle();

    expect(flaky.attempts).to.deep.equal({ a: [1, 2, 3], b: [1] });
    expect(flaky.done).to.have.members(['a', 'b']);
    expect(dispatcher.stats()[0]).to.include({ processed: 2, failed: 2, retried: 2, deadLettered: 0 });
    await dispatcher.stop();
  });

  it('waits with exponential backoff between attempts', async () => {
    const store = await backend.open();
    const times: number[] = [];
    @EventHandler('backoff', { retry: { initialDelayMs: 40, factor: 2, maxAttempts: 3, jitter: 0 } })
    class Backoff {
      @On(JobRequested) run(): void {
        times.push(Date.now());
        throw new Error('always');
      }
    }
    const dispatcher = await backend.dispatch(store, [new Backoff()]);
    await publishJobs(store, 'a');
    await dispatcher.idle();

    expect(times).to.have.length(3);
    expect(times[1]! - times[0]!).to.be.at.least(38);
    expect(times[2]! - times[1]!).to.be.at.least(78);
    await dispatcher.stop();
  });

  it('counts an attempt that outlives its timeout as failed and aborts its signal', async () => {
    const store = await backend.open();
    const aborted: number[] = [];
    @EventHandler('slowpoke', { retry: { ...fast, maxAttempts: 2, timeoutMs: 30 } })
    class Slowpoke {
      @On(JobRequested)
      async run(_event: JobRequested, { signal, attempt }: HandlerContext): Promise<void> {
        // Runs until its signal is aborted, however long that takes.
        await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
        aborted.push(attempt);
      }
    }
    const dispatcher = await backend.dispatch(store, [new Slowpoke()]);
    await publishJobs(store, 'a');
    await dispatcher.idle();

    const [letter] = await dispatcher.deadLetters('slowpoke');
    expect(letter!.errorMessage).to.contain('took longer than 30 ms');
    expect(letter!.attempts).to.equal(2);
    await until(
      () => aborted.length === 2,
      () => `the signals of both attempts were not aborted: ${JSON.stringify(aborted)}`,
    );
    expect(aborted).to.deep.equal([1, 2]);
    await dispatcher.stop();
  });

  it('parks an event that fails every attempt in the dead letters and moves on', async () => {
    const store = await backend.open();
    const flaky = flakyHandler('parker', { b: Infinity });
    const dispatcher = await backend.dispatch(store, [flaky]);
    await publishJobs(store, 'a', 'b', 'c');
    await dispatcher.idle();

    expect(flaky.done).to.have.members(['a', 'c']);
    const letters = await dispatcher.deadLetters();
    expect(letters).to.have.length(1);
    expect(letters[0]).to.include({ subscriber: 'parker', position: 2, eventType: 'JobRequested', streamType: 'Job', streamId: 'b', attempts: 3 });
    expect(letters[0]!.errorMessage).to.equal('job b failed on attempt 3');
    expect(letters[0]!.errorStack).to.contain('job b failed');
    expect(letters[0]!.failedAt).to.be.instanceOf(Date);
    expect(dispatcher.stats()[0]).to.include({ state: 'live', checkpoint: 3, deadLettered: 1 });
    await dispatcher.stop();
  });

  it('halts a subscriber whose failure mode is halt, reporting why, without holding back others', async () => {
    const store = await backend.open();
    const halting = flakyHandler('halting', { b: Infinity }, { onFailure: 'halt' });
    const other = flakyHandler('other', {});
    const dispatcher = await backend.dispatch(store, [halting, other]);
    await publishJobs(store, 'a', 'b', 'c');
    await dispatcher.idle();

    const [haltingStats, otherStats] = dispatcher.stats();
    expect(haltingStats).to.include({ state: 'halted', checkpoint: 1 });
    expect(haltingStats!.haltedReason).to.contain('position 2').and.contain('job b failed');
    expect(halting.done).to.deep.equal(['a']);
    expect(otherStats).to.include({ state: 'live', checkpoint: 3, processed: 3 });
    const saved = await store.db.selectFrom('eventfold_subscriptions').selectAll().where('name', '=', 'halting').executeTakeFirstOrThrow();
    expect(saved.status).to.equal('halted');
    await dispatcher.stop();
  });

  it('retries a parked dead letter on request and removes it once it succeeds', async () => {
    const store = await backend.open();
    const failures = { b: Infinity };
    const flaky = flakyHandler('retryable', failures);
    const dispatcher = await backend.dispatch(store, [flaky]);
    await publishJobs(store, 'a', 'b');
    await dispatcher.idle();
    const [letter] = await dispatcher.deadLetters();

    expect(await dispatcher.retryDeadLetter(letter!.id)).to.equal(false);
    expect((await dispatcher.deadLetters())[0]!.attempts).to.equal(6);
    failures.b = 0;
    expect(await dispatcher.retryDeadLetter(letter!.id)).to.equal(true);
    expect(await dispatcher.deadLetters()).to.deep.equal([]);
    expect(flaky.done).to.deep.equal(['a', 'b']);
    await dispatcher.stop();
  });

  // On PostgreSQL a subscriber gets its own process's appends from memory, before they are
  // readable; a transaction left open elsewhere can hold them back while they are dead-lettered.
  if (backend.name === 'postgres') {
    describe('behind a transaction left open', () => {
      let open: OpenTransaction | undefined;
      // Ended before the backend's cleanup, whatever happened: it holds every reader on the server back.
      afterEach(() => open?.end());

      it('retries a parked dead letter whose event is not readable yet once it is, rather than giving up unattempted', async () => {
        const store = await backend.open();
        const flaky = flakyHandler('held-back', { b: Infinity });
        const dispatcher = await backend.dispatch(store, [flaky]);
        await dispatcher.idle();
        open = await holdTransaction(postgresUrl!);
        await publishJobs(store, 'a', 'b');
        await dispatcher.idle();
        const [letter] = await dispatcher.deadLetters();
        expect(await store.headPosition()).to.be.below(letter!.position);
        // Let the transaction go only once the retry waits for the event to become readable (or
        // has given up without waiting).
        let waitedFor: number | undefined;
        const waiting = deferred();
        const waitForReadable = store.waitForReadable.bind(store);
        store.waitForReadable = (options) => {
          waitedFor = options?.position;
          waiting.resolve();
          return waitForReadable(options);
        };
        const retrying = dispatcher.retryDeadLetter(letter!.id);
        await Promise.race([waiting.promise, retrying.catch(() => undefined)]);
        await open.commit();

        expect(await retrying).to.equal(false);
        expect(waitedFor).to.equal(letter!.position);
        expect(flaky.attempts['b']).to.deep.equal([1, 2, 3, 4, 5, 6]);
        expect((await dispatcher.deadLetters())[0]!.attempts).to.equal(6);
      });
    });
  }

  it('resumes a halted subscriber when its dead letter is retried successfully or discarded', async () => {
    const store = await backend.open();
    const failures: Record<string, number> = { b: Infinity, d: Infinity };
    const halting = flakyHandler('resumable', failures, { onFailure: 'halt' });
    const dispatcher = await backend.dispatch(store, [halting]);
    await publishJobs(store, 'a', 'b', 'c', 'd', 'e');
    await dispatcher.idle();
    expect(halting.done).to.deep.equal(['a']);

    failures.b = 0;
    const [first] = await dispatcher.deadLetters();
    expect(await dispatcher.retryDeadLetter(first!.id)).to.equal(true);
    await dispatcher.idle();
    expect(halting.done).to.deep.equal(['a', 'b', 'c']);
    expect(dispatcher.stats()[0]!.state).to.equal('halted');

    const [second] = await dispatcher.deadLetters();
    expect(second!.position).to.equal(4);
    await dispatcher.discardDeadLetter(second!.id);
    await dispatcher.idle();
    expect(halting.done).to.deep.equal(['a', 'b', 'c', 'e']);
    expect(dispatcher.stats()[0]).to.include({ state: 'live', checkpoint: 5 });
    expect(await dispatcher.deadLetters()).to.deep.equal([]);
    await dispatcher.stop();
  });

  it('splits a failing projection batch to dead-letter only the failing event, atomically with the checkpoint', async () => {
    const store = await backend.open();
    await store.db.schema
      .createTable('jobs')
      .addColumn('job', 'text', (c) => c.primaryKey())
      .execute();
    @Projection('job-list', { batchSize: 50, onFailure: 'park', retry: { ...fast, maxAttempts: 2 } })
    class JobList {
      @On(JobRequested)
      async requested(event: JobRequested, { db }: ProjectionContext): Promise<void> {
        await db.insertInto('jobs').values({ job: event.job }).execute();
        if (event.job === 'poison') throw new Error('cannot project poison');
      }
    }
    await publishJobs(store, 'a', 'b', 'poison', 'c');
    const dispatcher = await backend.dispatch(store, [new JobList()]);
    await dispatcher.idle();

    const rows = await store.db
      .selectFrom('jobs' as never)
      .select('job' as never)
      .orderBy('job' as never)
      .execute();
    expect(rows.map((row) => (row as { job: string }).job)).to.deep.equal(['a', 'b', 'c']);
    const [letter] = await dispatcher.deadLetters();
    expect(letter).to.include({ position: 3, attempts: 2 });
    expect(dispatcher.stats()[0]).to.include({ checkpoint: 4, processed: 3, deadLettered: 1 });
    await dispatcher.stop();
  });

  it('dead-letters a stored event of a handled type that cannot be decoded', async () => {
    const store = await backend.open();
    await publishJobs(store, 'a', 'b');
    await store.db.updateTable('eventfold_events').set({ payload: backend.corrupt.json }).where('position', '=', 1).execute();
    const flaky = flakyHandler('decoder', {});
    const dispatcher = await backend.dispatch(store, [flaky]);
    await dispatcher.idle();

    expect(flaky.done).to.deep.equal(['b']);
    const [letter] = await dispatcher.deadLetters();
    const [stored] = await store.db.selectFrom('eventfold_events').select('event_id').where('position', '=', 1).execute();
    expect(letter).to.include({ position: 1, attempts: 1, eventType: 'JobRequested', eventId: stored!.event_id });
    expect(letter!.errorMessage).to.match(backend.corrupt.reason);
    await dispatcher.stop();
  });
});
