import { expect } from 'chai';
import { sql } from 'kysely';
import { DomainEvent, EventHandler, On, Projection, type EventStore, type ProjectionContext } from '../../lib';
import { forEachBackend } from '../support/backends';
import { until } from '../support/until';

@DomainEvent('Step')
class Step {
  constructor(readonly n: number) {}
}

const once = { maxAttempts: 1, initialDelayMs: 1, jitter: 0 };

/** Renames the dead-letter table away, so that writing a dead letter fails, until `restore()`. */
async function breakDeadLetters(store: EventStore): Promise<{ restore: () => Promise<void> }> {
  await sql`alter table eventfold_dead_letters rename to eventfold_dead_letters_away`.execute(store.db);
  return { restore: async () => void (await sql`alter table eventfold_dead_letters_away rename to eventfold_dead_letters`.execute(store.db)) };
}

forEachBackend("Failures of the dispatcher's own bookkeeping", (backend) => {
  it('deliver a handler event again when its dead letter could not be written, and the stream goes on', async () => {
    const store = await backend.open({ events: [Step] });
    const handled: number[] = [];
    @EventHandler('steps', { retry: once })
    class Steps {
      @On(Step) run(event: Step): void {
        if (event.n === 1) throw new Error('step 1 always fails');
        handled.push(event.n);
      }
    }
    const errors: unknown[] = [];
    const dispatcher = await backend.dispatch(store, [new Steps()], { onError: (error) => errors.push(error) });
    const broken = await breakDeadLetters(store);
    await store.append({ type: 'Run', id: 'r-1' }, [new Step(1), new Step(2)]);
    await until(() => errors.length > 0, 'the failed dead-letter write was not reported');
    expect(handled).to.deep.equal([]);

    await broken.restore();
    await dispatcher.idle();

    expect(handled).to.deep.equal([2]);
    expect((await dispatcher.deadLetters('steps')).map((letter) => letter.position)).to.deep.equal([1]);
    expect(dispatcher.stats()[0]!.checkpoint).to.equal(2);
  });

  it('apply projection events again when a dead letter could not be written, exactly once in the end', async () => {
    const store = await backend.open({ events: [Step] });
    await store.db.schema
      .createTable('steps_seen')
      .addColumn('n', 'integer', (column) => column.primaryKey())
      .execute();
    @Projection('steps-seen', { retry: once, onFailure: 'park', batchSize: 10 })
    class StepsSeen {
      @On(Step) async seen(event: Step, { db }: ProjectionContext): Promise<void> {
        if (event.n === 2) throw new Error('step 2 always fails');
        // A primary key: applying an event twice would fail here.
        await db
          .insertInto('steps_seen' as never)
          .values({ n: event.n } as never)
          .execute();
      }
    }
    const errors: unknown[] = [];
    const dispatcher = await backend.dispatch(store, [new StepsSeen()], { onError: (error) => errors.push(error) });
    const broken = await breakDeadLetters(store);
    await store.append({ type: 'Run', id: 'r-1' }, [new Step(1), new Step(2), new Step(3)]);
    await until(() => errors.length > 0, 'the failed dead-letter write was not reported');

    await broken.restore();
    await dispatcher.idle();

    const rows = (await store.db
      .selectFrom('steps_seen' as never)
      .select('n' as never)
      .orderBy('n' as never)
      .execute()) as Array<{ n: number }>;
    expect(rows.map((row) => Number(row.n))).to.deep.equal([1, 3]);
    expect((await dispatcher.deadLetters('steps-seen')).map((letter) => letter.position)).to.deep.equal([2]);
    expect(dispatcher.stats()[0]!.checkpoint).to.equal(3);
  });
});
